using Dispatch.Storage;
using Dispatch.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Dispatch.Tests.Storage;

/// <summary>Grain state in the SQLite file through the one writer: versions, conflicts, clears, and the ADO.NET provider's row keys.</summary>
public sealed class SqliteGrainStorageTests : IAsyncLifetime
{
    private SqliteFile _file = null!;
    private SqliteWriter _writer = null!;
    private SqliteGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _file = await SqliteFile.CreateAsync();
        _writer = new SqliteWriter(_file.ConnectionString, NullLogger<SqliteWriter>.Instance);
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        _storage = new SqliteGrainStorage(_file.DataSource(), _writer, new OrleansGrainStorageSerializer(serializer), new ClusterOptions { ServiceId = "test" });
    }

    public async Task DisposeAsync()
    {
        _writer.Dispose();
        await _file.DisposeAsync();
    }

    [Fact]
    public async Task A_state_is_read_back_as_written_and_each_write_moves_its_version()
    {
        var grid = GrainId.Create("grid", "D01-S01-C01-G01");
        var written = new GrainState<List<string>>(["W000001", "W000002"]);
        await _storage.WriteStateAsync("grid", grid, written);
        Assert.Equal("1", written.ETag);

        written.State!.Add("W000003");
        await _storage.WriteStateAsync("grid", grid, written);
        Assert.Equal("2", written.ETag);

        var read = new GrainState<List<string>>();
        await _storage.ReadStateAsync("grid", grid, read);
        Assert.Equal(["W000001", "W000002", "W000003"], read.State);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);

        // The same key under another state name is another row.
        var other = new GrainState<List<string>>();
        await _storage.ReadStateAsync("desk", grid, other);
        Assert.False(other.RecordExists);
        Assert.Null(other.ETag);
    }

    [Fact]
    public async Task A_write_over_a_version_someone_else_has_replaced_is_refused_and_changes_nothing()
    {
        var worker = GrainId.Create("worker", "W000001");
        var first = new GrainState<Note>(new Note("on the roster"));
        await _storage.WriteStateAsync("worker", worker, first);
        var stale = new GrainState<Note>(new Note("stale")) { ETag = first.ETag };
        first.State = new Note("moved");
        await _storage.WriteStateAsync("worker", worker, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("worker", worker, stale));
        // A second first write finds the row there.
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("worker", worker, new GrainState<Note>(new Note("new"))));

        var read = new GrainState<Note>();
        await _storage.ReadStateAsync("worker", worker, read);
        Assert.Equal(("moved", "2"), (read.State!.Text, read.ETag));
    }

    [Fact]
    public async Task A_cleared_state_reads_as_absent_and_the_next_write_follows_its_version()
    {
        var building = GrainId.Create("building", "B1");
        var state = new GrainState<Note>(new Note("there"));
        await _storage.WriteStateAsync("building", building, state);
        await _storage.ClearStateAsync("building", building, state);

        var read = new GrainState<Note>();
        await _storage.ReadStateAsync("building", building, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.State!.Text);
        Assert.Equal("2", read.ETag);

        read.State = new Note("back");
        await _storage.WriteStateAsync("building", building, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Rows_are_keyed_as_the_ado_net_provider_keyed_them_so_older_data_folders_read_the_same()
    {
        await _storage.WriteStateAsync("address-book", GrainId.Create(GrainType.Create("address-book"), GrainIdKeyExtensions.CreateIntegerKey(5)), new GrainState<int>(7));
        await _storage.WriteStateAsync("territory", GrainId.Create("territory", "demo"), new GrainState<int>(8));

        await using var connection = new SqliteConnection(_file.ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(
            "SELECT GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString FROM OrleansStorage WHERE ServiceId = 'test' ORDER BY GrainTypeString", connection);
        await using var rows = await command.ExecuteReaderAsync();
        var keys = new List<(string, long, long, string)>();
        while (await rows.ReadAsync())
        {
            keys.Add((rows.GetString(0), rows.GetInt64(1), rows.GetInt64(2), rows.GetString(3)));
        }

        Assert.Equal([("address-book", 0L, 5L, ""), ("territory", 0L, 0L, "demo")], keys);
    }

    [Fact]
    public async Task Many_grains_writing_at_once_are_all_stored()
    {
        var writes = Enumerable.Range(0, 500).Select(i =>
            _storage.WriteStateAsync("building", GrainId.Create("building", $"B{i:D4}"), new GrainState<int>(i)));
        await Task.WhenAll(writes);

        foreach (var i in new[] { 0, 250, 499 })
        {
            var read = new GrainState<int>();
            await _storage.ReadStateAsync("building", GrainId.Create("building", $"B{i:D4}"), read);
            Assert.Equal(i, read.State);
        }
    }

    [GenerateSerializer]
    public sealed class Note
    {
        public Note()
        {
        }

        public Note(string text) => Text = text;

        [Id(0)] public string? Text { get; set; }
    }
}
