using System.Net;
using System.Net.Sockets;

namespace Dispatch.Testing;

/// <summary>
/// What the tests and the bench need from the machine they run on: the repository they were built
/// from, and free loopback ports. Compiled into each of those projects (they share no library).
/// </summary>
internal static class LocalMachine
{
    /// <summary>The folder holding <c>Dispatch.sln</c>, found above the running assembly.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of <paramref name="count"/> consecutive free ports (a silo N uses a base port + N - 1).</summary>
    public static int FreePortRange(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20_000, 40_000);
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }

                return first;
            }
            catch (SocketException)
            {
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports found.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dispatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Dispatch.sln not found above {AppContext.BaseDirectory}.");
    }
}
