using Dispatch.Territory;
using Orleans.Streams;

namespace Dispatch.Incidents;

/// <summary>
/// Puts a recorded case on the delivery stream of the desk that tracks it. A seam of its own so that
/// tests can lose messages on purpose and prove the re-drive.
/// </summary>
public interface ICaseDeliveryPublisher
{
    Task Publish(IStreamProvider streams, StreamId streamId, CaseRouted message);
}

public sealed class StreamCaseDeliveryPublisher : ICaseDeliveryPublisher
{
    public Task Publish(IStreamProvider streams, StreamId streamId, CaseRouted message) =>
        streams.GetStream<CaseRouted>(streamId).OnNextAsync(message);
}

public static class CaseDelivery
{
    /// <summary>The delivery stream of a desk: a grid's by grid id, any other desk's by its key.</summary>
    public static StreamId StreamOf(DeskRef tracker) => tracker.Level == OrgLevel.Grid
        ? StreamId.Create(StreamNames.GridCases, tracker.Id)
        : StreamId.Create(StreamNames.DeskCases, tracker.Key);
}
