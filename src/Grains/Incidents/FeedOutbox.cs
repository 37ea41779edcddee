namespace Dispatch.Incidents;

/// <summary>
/// The live feed's outbox on a silo: what the silo's grains record goes out to the feed's partitions
/// in one message per partition every <see cref="Gather"/>, however many changes that holds, instead
/// of a message per change. Best effort, as the feed is: a screen that misses something reads the register.
/// </summary>
public sealed class FeedOutbox(IGrainFactory grains) : IDisposable
{
    /// <summary>How long changes gather before they go out together.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(15);

    private readonly Lock _lock = new();
    private List<IncidentTransition>?[] _pending = new List<IncidentTransition>?[ITransitionFeedGrain.Partitions];
    private ITimer? _flush;
    private bool _disposed;

    public void Publish(IReadOnlyList<IncidentTransition> transitions)
    {
        if (transitions.Count == 0)
        {
            return;
        }

        var partition = StableHash.Partition(transitions[0].IncidentId, ITransitionFeedGrain.Partitions);
        lock (_lock)
        {
            if (_disposed)
            {
                // The silo is stopping: a timer armed now would fire after its services are gone.
                return;
            }

            (_pending[partition] ??= []).AddRange(transitions);
            _flush ??= TimeProvider.System.CreateTimer(static s => ((FeedOutbox)s!).Flush(), this, Gather, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _flush?.Dispose();
            _flush = null;
        }
    }

    private void Flush()
    {
        List<IncidentTransition>?[] pending;
        lock (_lock)
        {
            pending = _pending;
            _pending = new List<IncidentTransition>?[ITransitionFeedGrain.Partitions];
            _flush?.Dispose();
            _flush = null;
        }

        for (var partition = 0; partition < pending.Length; partition++)
        {
            if (pending[partition] is { } batch)
            {
                try
                {
                    grains.GetGrain<ITransitionFeedGrain>(partition).Publish(batch).Ignore();
                }
                catch (ObjectDisposedException)
                {
                    // The silo stopped between the change and its flush; the feed is best effort, and
                    // an exception on this timer thread would take the whole process down.
                    return;
                }
            }
        }
    }
}
