namespace Dispatch;

/// <summary>
/// The clock every domain rule reads. It wraps a <see cref="TimeProvider"/> of its own rather than
/// the one in the container, because Orleans' runtime (membership, collection, directory) reads that
/// one, and tests must move the domain's time without moving the runtime's.
/// </summary>
public sealed class DispatchTime(TimeProvider provider)
{
    public static DispatchTime System { get; } = new(TimeProvider.System);

    public TimeProvider Provider { get; } = provider;

    public DateTimeOffset Now => Provider.GetUtcNow();
}
