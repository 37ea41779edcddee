using Dispatch.Incidents;
using Dispatch.Persistence;
using Dispatch.Tests.Storage;
using Npgsql;

namespace Dispatch.Tests.Postgres;

public sealed class RegisterRowsTests(PostgresServer server) : RegisterRowsContract, IClassFixture<PostgresServer>, IAsyncDisposable
{
    private SqlIncidentRegisterRows? _rows;

    protected override async Task<IIncidentRegisterRows> CreateRowsAsync()
    {
        var connection = await server.CreateDatabaseAsync($"register_{Guid.NewGuid():N}");
        await SchemaMigrator.ApplyAsync(connection);
        _rows = new SqlIncidentRegisterRows(NpgsqlDataSource.Create(connection), Serializer);
        return _rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_rows is not null)
        {
            await _rows.DisposeAsync();
        }
    }
}
