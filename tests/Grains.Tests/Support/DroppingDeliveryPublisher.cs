using Dispatch.Incidents;
using Orleans.Streams;

namespace Dispatch.Tests.Support;

/// <summary>Loses delivery messages on purpose: every message for the cases named in <see cref="Drop"/>.</summary>
public sealed class DroppingDeliveryPublisher : ICaseDeliveryPublisher
{
    private readonly StreamCaseDeliveryPublisher _inner = new();

    /// <summary>Incident id → how many more of its messages to lose.</summary>
    public ConcurrentDictionaryCounter Drop { get; } = new();

    public int Dropped => Drop.Consumed;

    public Task Publish(IStreamProvider streams, StreamId streamId, CaseRouted message) =>
        Drop.TryConsume(message.CaseId) ? Task.CompletedTask : _inner.Publish(streams, streamId, message);
}

public sealed class ConcurrentDictionaryCounter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();
    private int _consumed;

    public int Consumed => Volatile.Read(ref _consumed);

    public void Set(string key, int count) => _counts[key] = count;

    public bool TryConsume(string key)
    {
        while (_counts.TryGetValue(key, out var left) && left > 0)
        {
            if (_counts.TryUpdate(key, left - 1, left))
            {
                Interlocked.Increment(ref _consumed);
                return true;
            }
        }

        return false;
    }
}
