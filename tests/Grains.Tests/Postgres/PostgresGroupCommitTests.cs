using Dispatch.Journal;
using Dispatch.Tests.Storage;
using Npgsql;

namespace Dispatch.Tests.Postgres;

/// <summary>Group commit on PostgreSQL with a pool of one connection: the journal must never need two at once.</summary>
[Collection(JournalDatabases.Name)]
public sealed class PostgresGroupCommitTests(PostgresServer server) : GroupCommitContract
{
    private string _connection = "";

    protected override async Task<SqlJournalStore> CreateStoreAsync()
    {
        var database = await JournalDatabases.CreateAsync(server, "group_commit");
        _connection = new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 1, Timeout = 5 }.ConnectionString;
        return Reopen();
    }

    protected override SqlJournalStore Reopen() => new(NpgsqlDataSource.Create(_connection));
}
