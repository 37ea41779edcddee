using System.Diagnostics;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;

namespace Dispatch.Bench.Scale;

/// <summary>One stage of a territory load as the loader logged it, with the silo's memory right after it.</summary>
public sealed record LoadStage(string Name, int Count, TimeSpan Elapsed, SiloMemory After);

/// <summary>
/// The loader's logger, which notes each "stage loaded" line (event 5001) together with the time
/// it took and a memory snapshot. The loader logs between stages with no grain call in flight, so
/// a full collection there measures what the stage left behind, not its transient garbage.
/// </summary>
public sealed class LoadStageRecorder(IManagementGrain management, TextWriter output) : ILogger<TerritoryLoader>
{
    private const int StageLoadedEvent = 5001;

    private readonly List<LoadStage> _stages = [];
    private long _stageStarted = Stopwatch.GetTimestamp();

    public IReadOnlyList<LoadStage> Stages => _stages;

    /// <summary>Starts the clock of the first stage.</summary>
    public void Start() => _stageStarted = Stopwatch.GetTimestamp();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id != StageLoadedEvent || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(_stageStarted);
        var name = values.FirstOrDefault(v => v.Key == "Stage").Value as string ?? "?";
        var count = values.FirstOrDefault(v => v.Key == "Count").Value is int n ? n : 0;

        // The loader calls this synchronously between stages and must not go on until the snapshot
        // is taken; blocking one pool thread for it leaves the silo the others.
        var after = SiloMemory.TakeAsync(management).GetAwaiter().GetResult();
        _stages.Add(new LoadStage(name, count, elapsed, after));
        output.WriteLine($"  stage {name}: {count:N0} in {elapsed.TotalSeconds:F1} s");
        _stageStarted = Stopwatch.GetTimestamp();
    }
}
