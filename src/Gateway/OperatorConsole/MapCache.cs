using System.Collections.Concurrent;

namespace Dispatch.Gateway.OperatorConsole;

/// <summary>The map's answer per version: built once, since the map changes only by an import.</summary>
public sealed class MapCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _byVersion = new();

    public async Task<byte[]> GetAsync(string version, Func<Task<byte[]>> build)
    {
        var entry = _byVersion.GetOrAdd(version, _ => new Lazy<Task<byte[]>>(build));
        try
        {
            var body = await entry.Value;
            foreach (var old in _byVersion.Keys.Where(k => k != version))
            {
                _byVersion.TryRemove(old, out _);
            }

            return body;
        }
        catch
        {
            // A failed build (the cluster busy) is tried again by the next request.
            _byVersion.TryRemove(new KeyValuePair<string, Lazy<Task<byte[]>>>(version, entry));
            throw;
        }
    }
}
