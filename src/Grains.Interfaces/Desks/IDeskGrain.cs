using Orleans.Concurrency;
using Dispatch.Incidents;

namespace Dispatch.Desks;

/// <summary>
/// An area desk (community, street, district, city) or a department desk, keyed by
/// <see cref="Territory.DeskRef.Key"/>. Owns the cases the access list routes to it and lists the
/// cases escalated to it.
/// </summary>
[Alias("Dispatch.IDeskGrain")]
public interface IDeskGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task Configure(DeskSetup setup);

    [Alias("GetDesk")] Task<AreaDesk?> GetDesk();

    /// <summary>Told by an incident what a worker or operator recorded on it. One-way: the incident does not wait.</summary>
    [OneWay, Alias("OnCaseEvents")] Task OnCaseEvents(IReadOnlyList<CaseEvent> events);

    [Alias("Wake")] Task Wake();

    /// <summary>
    /// The area is not in territory version <paramref name="territoryVersion"/>: each case the desk owns
    /// moves to the desk that now holds the case's location at the same level (else the lowest area
    /// above that holds it, else the city), and cases that reach it later are moved on the same way.
    /// Answers how many it moved.
    /// </summary>
    [Alias("Retire")] Task<int> Retire(int territoryVersion);
}
