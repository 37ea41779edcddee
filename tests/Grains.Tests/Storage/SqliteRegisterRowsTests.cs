using System.Data.Common;
using Dispatch.Incidents;
using Dispatch.Persistence;
using Microsoft.Data.Sqlite;

namespace Dispatch.Tests.Storage;

public sealed class SqliteRegisterRowsTests : RegisterRowsContract, IAsyncDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dispatch-register-{Guid.NewGuid():N}.db");
    private SqlIncidentRegisterRows? _rows;

    protected override async Task<IIncidentRegisterRows> CreateRowsAsync()
    {
        var connection = $"Data Source={_file};Pooling=True";
        await SqliteSchema.ApplyAsync(connection);
        _rows = new SqlIncidentRegisterRows(SqliteFactory.Instance.CreateDataSource(connection), Serializer);
        return _rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_rows is not null)
        {
            await _rows.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
