using System.Globalization;

namespace Dispatch.Bench;

/// <summary>
/// The command line of a bench command: <c>--name value</c> pairs and bare <c>--flags</c>. Every
/// option a command reads is recorded, so a mistyped one is reported instead of silently ignored.
/// </summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    public BenchArgs(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{list[i]}'; options look like --rate 200.");
            }

            var name = list[i][2..];
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[name] = hasValue ? list[++i] : null;
        }
    }

    public string String(string name, string fallback) => Raw(name) ?? fallback;

    public string? OptionalString(string name) => Raw(name);

    public int Int(string name, int fallback) => Parse(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));

    public long Long(string name, long fallback) => Parse(name, fallback, s => long.Parse(s, CultureInfo.InvariantCulture));

    public double Double(string name, double fallback) => Parse(name, fallback, s => double.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>Seconds, as a plain number (<c>--duration 60</c>).</summary>
    public TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Double(name, fallback));

    public bool Flag(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) && (value is null || bool.Parse(value));
    }

    /// <summary>Throws when an option was given that the command never read.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }

    private string? Raw(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    private T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return fallback;
        }

        try
        {
            return parse(raw);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--{name} '{raw}' is not a number.");
        }
    }
}
