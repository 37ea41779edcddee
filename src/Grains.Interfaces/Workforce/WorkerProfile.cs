namespace Dispatch.Workforce;

/// <summary>The kinds of people on a grid's roster (full-time grid workers and part-time members).</summary>
public enum WorkerRole
{
    GridWorker = 0,
    GridLeader = 1,
    CommunityWorker = 2,
    BuildingLeader = 3,
    CommunityPolice = 4,
    PropertyStaff = 5,
    Volunteer = 6,
    StreetStaff = 7,
}

/// <summary>A person who can be given cases: their grid, role and skills.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.WorkerProfile")]
public sealed record WorkerProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] WorkerRole Role,
    [property: Id(3)] IReadOnlyList<string> Skills,
    [property: Id(4)] string GridId,
    [property: Id(5)] string? Phone,
    [property: Id(6)] bool OnDuty)
{
    public bool HasSkill(string skill) => Skills.Contains(skill, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A worker as a worker's phone shows it: profile, duty, and the cases they hold.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.WorkerView")]
public sealed record WorkerView(
    [property: Id(0)] WorkerProfile Profile,
    [property: Id(1)] bool OnDuty,
    [property: Id(2)] IReadOnlyList<Desks.CaseEntry> Assignments);
