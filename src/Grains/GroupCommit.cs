namespace Dispatch;

/// <summary>
/// Coalesces state writes of a reentrant grain: while one write is in flight, every change made
/// meanwhile waits for one following write instead of a write each. Each caller's task completes
/// once a write that includes its change has finished.
/// </summary>
/// <remarks>The write must hand storage something later changes do not touch (a copy of the
/// state, or a batch taken out of the grain): changes keep arriving while it is in flight, and the
/// ADO.NET provider serializes the state only once it holds a connection, on whichever thread that
/// arrives.</remarks>
public sealed class GroupCommit(Func<Task> write)
{
    private Task _writing = Task.CompletedTask;
    private Task? _queued;

    public Task CommitAsync()
    {
        if (_queued is not null)
        {
            return _queued;
        }

        if (_writing.IsCompleted)
        {
            _writing = write();
            return _writing;
        }

        _queued = WriteAfter(_writing);
        return _queued;
    }

    private async Task WriteAfter(Task current)
    {
        try
        {
            await current;
        }
        catch
        {
            // The callers of that write see its failure; this write carries its own changes and theirs.
        }

        _queued = null;
        _writing = write();
        await _writing;
    }
}
