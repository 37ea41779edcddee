namespace Dispatch.Calendar;

/// <summary>
/// The process's working calendar, replaceable while it runs: whoever computes a deadline reads
/// <see cref="Current"/> once and uses that calendar for the whole computation, and a reload swaps
/// in a new one whole. Deadlines already recorded on cases keep the calendar they were computed with.
/// </summary>
public sealed class CityCalendar(WorkingCalendar initial)
{
    private WorkingCalendar _current = initial;

    public WorkingCalendar Current => Volatile.Read(ref _current);

    public void Replace(WorkingCalendar calendar) => Volatile.Write(ref _current, calendar);
}
