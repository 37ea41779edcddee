using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatch.Testing;

/// <summary>
/// Waiting for what happens asynchronously (stream delivery, one-way notices, timers) without fixed
/// sleeps. Compiled into each test project that needs it (they share no library).
/// </summary>
internal static class Polling
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private const int MaxDescribedLength = 2_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        IncludeFields = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Reads <paramref name="probe"/> until <paramref name="condition"/> holds and returns that value;
    /// after <paramref name="timeout"/> (default 30 s) fails, naming <paramref name="what"/> and the last value seen.
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds:0.#} s waiting for {what}; last seen: {Describe(last)}");
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>As JSON, because a record's own text shows its lists only as type names.</summary>
    private static string Describe(object? value)
    {
        string text;
        try
        {
            text = JsonSerializer.Serialize(value, Json);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            text = value?.ToString() ?? "null";
        }

        return text.Length <= MaxDescribedLength ? text : $"{text[..MaxDescribedLength]}… ({text.Length} characters)";
    }
}
