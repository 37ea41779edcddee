using System.Data.Common;
using Dispatch.Persistence;
using Microsoft.Data.Sqlite;

namespace Dispatch.Tests.Support;

/// <summary>
/// A SQLite database in a temp file with the embedded silo's schema, as the silo opens it (pooled,
/// 30 s busy timeout), deleted with its WAL files at the end.
/// </summary>
public sealed class SqliteFile : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"dispatch-journal-{Guid.NewGuid():N}.db");

    public string ConnectionString => $"Data Source={_path};Pooling=True;Default Timeout=30";

    public static async Task<SqliteFile> CreateAsync()
    {
        var file = new SqliteFile();
        await SqliteSchema.ApplyAsync(file.ConnectionString);
        return file;
    }

    /// <summary>A data source of its own: the store or register given it disposes it.</summary>
    public DbDataSource DataSource() => SqliteFactory.Instance.CreateDataSource(ConnectionString);

    /// <summary>Runs SQL behind the journal's back.</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }

        return ValueTask.CompletedTask;
    }
}
