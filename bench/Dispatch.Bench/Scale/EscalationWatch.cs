using Dispatch.Incidents;

namespace Dispatch.Bench.Scale;

/// <summary>
/// Listens to the live feed, as an operator screen would, and notes per case (by its bench
/// sequence number) when it was first escalated; also counts dispatches and merges. Called by the
/// runtime on several threads at once.
/// </summary>
public sealed class EscalationWatch(int cases) : ITransitionObserver
{
    private readonly long[] _escalatedAtTicks = new long[cases];
    private int _escalated;
    private int _dispatched;
    private int _merged;

    public int Escalated => Volatile.Read(ref _escalated);

    public int Dispatched => Volatile.Read(ref _dispatched);

    public int Merged => Volatile.Read(ref _merged);

    /// <summary>UTC ticks of each case's first escalation; 0 where none was seen.</summary>
    public ReadOnlySpan<long> EscalatedAtTicks => _escalatedAtTicks;

    public Task OnTransitions(IReadOnlyList<IncidentTransition> transitions)
    {
        foreach (var transition in transitions)
        {
            switch (transition.Action)
            {
                case IncidentAction.Escalate when Slot(transition.IncidentId) is var slot and >= 0
                    && Interlocked.CompareExchange(ref _escalatedAtTicks[slot], transition.At.UtcTicks, 0) == 0:
                    Interlocked.Increment(ref _escalated);
                    break;
                case IncidentAction.Dispatch:
                    Interlocked.Increment(ref _dispatched);
                    break;
                case IncidentAction.Merge:
                    Interlocked.Increment(ref _merged);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private int Slot(string incidentId) =>
        BenchCaseNumbers.SequenceOf(incidentId) is var sequence and >= 0 && sequence < _escalatedAtTicks.Length ? (int)sequence : -1;
}
