using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Tests.Storage;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using Npgsql;

namespace Dispatch.Tests.Postgres;

[Collection(JournalDatabases.Name)]
public sealed class PostgresCaseRegisterTests(PostgresServer server) : SqlCaseRegisterContract
{
    private string _connection = "";

    protected override async Task<IJournalStore> CreateStoreAsync()
    {
        _connection = await JournalDatabases.CreateAsync(server, "register");
        return new SqlJournalStore(NpgsqlDataSource.Create(_connection));
    }

    protected override ICaseRegister CreateRegister() => new SqlCaseRegister(NpgsqlDataSource.Create(_connection), Serializer);

    [Fact]
    public async Task A_row_that_commits_after_a_later_row_is_applied_once_it_commits()
    {
        var register = Owned(CreateRegister());
        var (early, late) = (Reported("20260302-EARLY"), Reported("20260302-LATE"));

        // The early row is inserted first but its transaction is still open when the late row commits.
        await using var slow = new NpgsqlConnection(_connection);
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {SqlJournalStore.Table} (stream, seq, type, actor, at, reason, notice_for, payload, previous_hash, hash) "
            + "VALUES (@stream, 1, @type, @actor, @at, @reason, NULL, @payload, '', @hash)", slow, transaction))
        {
            insert.Parameters.AddWithValue("stream", early.Stream);
            insert.Parameters.AddWithValue("type", early.Type);
            insert.Parameters.AddWithValue("actor", early.Actor);
            insert.Parameters.AddWithValue("at", early.At.UtcTicks);
            insert.Parameters.AddWithValue("reason", early.Reason!);
            insert.Parameters.AddWithValue("payload", early.Payload);
            insert.Parameters.AddWithValue("hash", early.Hash);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        Assert.Equal([true], await Store.WriteAsync([new JournalAppend([late])]));
        await register.CatchUpAsync();

        await transaction.CommitAsync();
        await register.CatchUpAsync();

        var now = CaseHistories.Start.AddDays(1);
        Assert.Equal([late.Stream, early.Stream], (await register.QueryAsync(Everything(now), now)).Select(c => c.Id));
        var rows = await Store.ReadStreamsAsync([early.Stream, late.Stream]);
        Assert.True(rows.Single(r => r.Stream == early.Stream).Position < rows.Single(r => r.Stream == late.Stream).Position);
    }

    private static JournalEntry Reported(string id) => CaseEventCodec.Encode(id, 0, "", new CaseChange(IncidentAction.Report, ActorRef.System("test"), "report",
        new ReportData("noise", "loud", Channel.App, new Reporter("Resident", null), new Placement(CaseHistories.Places[0], null, PlacementMethod.Address, null, null))),
        CaseHistories.Start).Entry;
}
