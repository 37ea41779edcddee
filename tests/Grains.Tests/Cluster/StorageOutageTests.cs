using Dispatch.Errors;
using Dispatch.Testing;
using Dispatch.Tests.Support;
using Dispatch.Workforce;

namespace Dispatch.Tests.Cluster;

/// <summary>
/// A database error inside a silo reaches the caller as <see cref="StorageUnavailableException"/>,
/// which crosses the wire; the database's own exception type would not (it has no codec).
/// </summary>
public sealed class StorageOutageTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    [Fact]
    public async Task A_grain_whose_state_cannot_be_read_fails_with_a_storage_unavailable_error_the_client_can_read()
    {
        var worker = fixture.Grains.GetGrain<IWorkerGrain>("W-OUTAGE-1");
        fixture.UnreachableState[worker.GetGrainId()] = true;

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => worker.Get());

        Assert.True(Chain(failure).OfType<StorageUnavailableException>().Any(), failure.ToString());
        Assert.DoesNotContain(Chain(failure), e => e.GetType().Name.Contains("CodecNotFound", StringComparison.Ordinal));

        // The database is back: the same grain answers.
        fixture.UnreachableState.TryRemove(worker.GetGrainId(), out _);
        await Polling.Eventually(async () => { try { return await worker.Get() is null; } catch (Exception) { return false; } }, ok => ok, "the worker grain to answer again");
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
