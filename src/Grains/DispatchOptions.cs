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

    /// <summary>Partitions of the re-drive ledger. Default: 16.</summary>
    [Range(1, 1024)]
    public int LedgerPartitions { get; set; } = 16;

    /// <summary>How long a registered incident may go unacknowledged before it is published again. Default: 5 s.</summary>
    public TimeSpan RedriveAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each silo sweeps the re-drive ledger. Default: 2 s.</summary>
    public TimeSpan RedriveSweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Notices kept on a desk, newest first. Default: 100.</summary>
    [Range(1, 10_000)]
    public int NoticesKept { get; set; } = 100;
}
