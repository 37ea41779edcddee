namespace Dispatch.Journal;

/// <summary>What the journal's streams are named: a case by its number, a worker's duty as <c>worker:ID</c>.</summary>
public static class CaseStreams
{
    private const string WorkerPrefix = "worker:";

    public static string OfWorker(string workerId) => WorkerPrefix + workerId;

    public static bool IsCase(string stream) => !stream.StartsWith(WorkerPrefix, StringComparison.Ordinal);
}
