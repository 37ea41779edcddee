using Dispatch.Journal;
using Dispatch.Tests.Storage;
using Npgsql;

namespace Dispatch.Tests.Postgres;

[Collection(JournalDatabases.Name)]
public sealed class PostgresTamperTests(PostgresServer server) : TamperContract
{
    private string _connection = "";

    protected override async Task<SqlJournalStore> CreateStoreAsync()
    {
        _connection = await JournalDatabases.CreateAsync(server, "tamper");
        return new SqlJournalStore(NpgsqlDataSource.Create(_connection));
    }

    protected override Task<int> ExecuteAsync(string sql) => JournalDatabases.ExecuteAsync(_connection, sql);
}
