namespace Dispatch.Testing;

/// <summary>
/// One whole cluster at a time on this machine. `dotnet test Dispatch.sln` runs test projects side by
/// side, and the failover test and the AppHost tests each start PostgreSQL, three silos and a gateway:
/// two of those at once on two cores would measure the machine's contention, not the system. The turn
/// is an exclusive lock on a file in the temp folder (flock underneath, released if the process dies).
/// </summary>
internal static class WholeClusterTurn
{
    private static readonly string LockFile = Path.Combine(Path.GetTempPath(), "dispatch-whole-cluster-tests.lock");

    public static async Task<IDisposable> TakeAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
