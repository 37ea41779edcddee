using Dispatch.Journal;
using Dispatch.Tests.Storage;
using Npgsql;

namespace Dispatch.Tests.Postgres;

[Collection(JournalDatabases.Name)]
public sealed class PostgresJournalStoreTests(PostgresServer server) : JournalStoreContract
{
    protected override async Task<IJournalStore> CreateStoreAsync() =>
        new SqlJournalStore(NpgsqlDataSource.Create(await JournalDatabases.CreateAsync(server, "journal_store")));
}
