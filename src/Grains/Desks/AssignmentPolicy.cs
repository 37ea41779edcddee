using Dispatch.Workforce;

namespace Dispatch.Desks;

/// <summary>One roster member as the assignment policy sees them.</summary>
public sealed record Candidate(WorkerProfile Worker, bool OnDuty, int OpenLoad, long LastAssigned);

/// <summary>
/// The grid leader's rule for who gets a case. Hard rules first — on duty, has the category's
/// skill, not passed over for this case — then the least open load, then whoever was assigned
/// least recently (rotation), then the worker id, so the choice is deterministic.
/// </summary>
public static class AssignmentPolicy
{
    public static Candidate? Pick(IEnumerable<Candidate> roster, string skill, IReadOnlyCollection<string> passedOver)
    {
        Candidate? best = null;
        foreach (var candidate in roster)
        {
            if (!candidate.OnDuty || !candidate.Worker.HasSkill(skill) || passedOver.Contains(candidate.Worker.Id))
            {
                continue;
            }

            if (best is null || Compare(candidate, best) < 0)
            {
                best = candidate;
            }
        }

        return best;
    }

    private static int Compare(Candidate a, Candidate b)
    {
        var byLoad = a.OpenLoad.CompareTo(b.OpenLoad);
        if (byLoad != 0)
        {
            return byLoad;
        }

        var byRotation = a.LastAssigned.CompareTo(b.LastAssigned);
        return byRotation != 0 ? byRotation : string.CompareOrdinal(a.Worker.Id, b.Worker.Id);
    }
}
