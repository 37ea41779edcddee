using Dispatch.Incidents;
using Orleans.Streams;

namespace Dispatch.Intake;

/// <summary>
/// Puts a registered incident on the intake stream of its desk. A seam of its own so that tests
/// can lose messages on purpose and prove the re-drive.
/// </summary>
public interface IIntakePublisher
{
    Task Publish(IStreamProvider streams, StreamId streamId, IncidentRouted message);
}

public sealed class StreamIntakePublisher : IIntakePublisher
{
    public Task Publish(IStreamProvider streams, StreamId streamId, IncidentRouted message) =>
        streams.GetStream<IncidentRouted>(streamId).OnNextAsync(message);
}
