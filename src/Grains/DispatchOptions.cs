using System.ComponentModel.DataAnnotations;

namespace Dispatch;

/// <summary>Settings of the dispatch pipeline, bound from the <c>Dispatch</c> configuration section.</summary>
public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>The city this cluster serves; the key of its territory grain. Default: <c>demo</c>.</summary>
    [Required]
    public string CityId { get; set; } = "demo";

    /// <summary>A catalog file to use instead of the one shipped with Dispatch. Default: none.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>
    /// How often each silo and gateway checks the catalog installed in storage for a newer version
    /// (a territory import installs one; it then wins over <see cref="CatalogPath"/>). Default: 10 s.
    /// </summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A folder of working-calendar files, one per year (<c>2026.json</c>: working hours and days, public
    /// holidays, make-up working days), used instead of the calendar shipped with Dispatch; every silo
    /// reads it at start and again when a file in it changes. Default: none (the shipped calendar).
    /// </summary>
    public string? CalendarFolder { get; set; }

    /// <summary>How often each silo looks for changed files in <see cref="CalendarFolder"/>. Default: 30 s.</summary>
    public TimeSpan CalendarReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many days after a closure the resident may contest it (申诉). Default: 7.</summary>
    [Range(1, 3650)]
    public int AppealWindowDays { get; set; } = 7;

    /// <summary>
    /// How close (in metres) a report located by coordinates must be to an open case of the same
    /// category on its grid to be merged into it as a duplicate. 0 merges by building only. Default: 50.
    /// </summary>
    [Range(0.0, 5_000.0)]
    public double MergeRadiusMeters { get; set; } = 50;

    /// <summary>Which reports are confirmed on site before they are filed (核实).</summary>
    public ConfirmBeforeFilingOptions ConfirmBeforeFiling { get; set; } = new();

    /// <summary>How long a recorded case may wait for its desk to take it in before it is published again. Default: 5 s.</summary>
    public TimeSpan RedriveAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each silo looks in the journal for cases no desk has taken in. Default: 2 s.</summary>
    public TimeSpan RedriveSweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Notices kept on a desk, newest first. Default: 100.</summary>
    [Range(1, 10_000)]
    public int NoticesKept { get; set; } = 100;

    /// <summary>
    /// The weights of the assessment's score: response, resolution and satisfaction rate. Default
    /// 0.2, 0.4, 0.4 (the share many 12345 hotlines use; set a city's own).
    /// </summary>
    public AssessmentWeightOptions Assessment { get; set; } = new();
}

/// <summary>The weights of <see cref="DispatchOptions.Assessment"/>.</summary>
public sealed class AssessmentWeightOptions
{
    [Range(0.0, 100.0)]
    public double ResponseWeight { get; set; } = 0.2;
    [Range(0.0, 100.0)]
    public double ResolutionWeight { get; set; } = 0.4;
    [Range(0.0, 100.0)]
    public double SatisfactionWeight { get; set; } = 0.4;
}

/// <summary>
/// The channels of <see cref="DispatchOptions.ConfirmBeforeFiling"/>: a report from one of them whose
/// category has a confirm limit (<c>confirmWithin</c> in the catalog) is held for a grid worker's on-site
/// check before it is filed. A worker's own patrol report and a planned visit never are: the worker is there.
/// </summary>
public sealed class ConfirmBeforeFilingOptions
{
    /// <summary>Channel names, comma-separated. Default: <c>Hotline,App,Open311</c> (residents' reports); empty: no report is held.</summary>
    public string Channels { get; set; } = "Hotline,App,Open311";

    /// <summary>The last value of <see cref="Channels"/> parsed and its result: intake asks for every report of a held category.</summary>
    private ParsedChannels? _parsed;

    private sealed record ParsedChannels(string Source, IReadOnlySet<Incidents.Channel>? Channels);

    /// <summary>The channels as parsed; null when <see cref="Channels"/> names something that is not a channel that may be held.</summary>
    public IReadOnlySet<Incidents.Channel>? Parsed()
    {
        var source = Channels;
        if (_parsed is { } parsed && ReferenceEquals(parsed.Source, source))
        {
            return parsed.Channels;
        }

        var channels = Parse(source);
        _parsed = new ParsedChannels(source, channels);
        return channels;
    }

    private static HashSet<Incidents.Channel>? Parse(string source)
    {
        var channels = new HashSet<Incidents.Channel>();
        foreach (var name in source.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<Incidents.Channel>(name, ignoreCase: true, out var channel) || !Enum.IsDefined(channel) || char.IsAsciiDigit(name[0])
                || channel is Incidents.Channel.Patrol or Incidents.Channel.Visit)
            {
                return null;
            }

            channels.Add(channel);
        }

        return channels;
    }
}
