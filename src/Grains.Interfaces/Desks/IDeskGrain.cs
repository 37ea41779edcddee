using Orleans.Concurrency;
using Dispatch.Incidents;

namespace Dispatch.Desks;

/// <summary>
/// An area desk (community, street, district, city) or a department desk, keyed by
/// <see cref="Territory.DeskRef.Key"/>. Owns the cases the access list routes to it, lists the
/// cases escalated to it, and rolls up statistics from the desks below it.
/// </summary>
[Alias("Dispatch.IDeskGrain")]
public interface IDeskGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task Configure(DeskSetup setup);

    [Alias("GetDesk")] Task<AreaDesk?> GetDesk();

    /// <summary>Statistics of this desk's own cases plus every desk below it.</summary>
    [Alias("GetStatistics")] Task<CaseStatistics> GetStatistics();

    [OneWay, Alias("OnIncidentChanged")] Task OnIncidentChanged(IncidentView view);

    [Alias("Wake")] Task Wake();
}
