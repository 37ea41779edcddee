using Dispatch.Desks;

namespace Dispatch.Tests.Rules;

public sealed class DeadlineWheelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Due_deadlines_come_out_earliest_first_and_only_once()
    {
        var wheel = new DeadlineWheel();
        wheel.Set("late", DeadlineKind.Escalate, T0.AddMinutes(30));
        wheel.Set("early", DeadlineKind.Accept, T0.AddMinutes(5));
        wheel.Set("future", DeadlineKind.Accept, T0.AddHours(5));

        var due = wheel.TakeDue(T0.AddHours(1));

        Assert.Equal(["early", "late"], due.Select(d => d.CaseId));
        Assert.Empty(wheel.TakeDue(T0.AddHours(1)));
        Assert.Equal(T0.AddHours(5), wheel.NextDue);
    }

    [Fact]
    public void Rescheduling_replaces_the_old_deadline()
    {
        var wheel = new DeadlineWheel();
        wheel.Set("case", DeadlineKind.Accept, T0.AddMinutes(5));
        wheel.Set("case", DeadlineKind.Accept, T0.AddMinutes(50));

        Assert.Empty(wheel.TakeDue(T0.AddMinutes(10)));
        Assert.Equal(T0.AddMinutes(50), wheel.NextDue);
        Assert.Single(wheel.TakeDue(T0.AddMinutes(50)));
    }

    [Fact]
    public void Cleared_deadlines_never_fire()
    {
        var wheel = new DeadlineWheel();
        foreach (var kind in Enum.GetValues<DeadlineKind>())
        {
            wheel.Set("a", kind, T0);
        }

        wheel.Set("b", DeadlineKind.Accept, T0);
        wheel.Clear("a");
        wheel.Set("b", DeadlineKind.Accept, null);

        Assert.Null(wheel.NextDue);
        Assert.Empty(wheel.TakeDue(T0.AddDays(1)));
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void The_two_clocks_of_one_case_are_independent()
    {
        var wheel = new DeadlineWheel();
        wheel.Set("a", DeadlineKind.Accept, T0.AddMinutes(1));
        wheel.Set("a", DeadlineKind.Escalate, T0.AddMinutes(2));

        Assert.Equal([DeadlineKind.Accept], wheel.TakeDue(T0.AddMinutes(1)).Select(d => d.Kind));
        Assert.Equal([DeadlineKind.Escalate], wheel.TakeDue(T0.AddMinutes(2)).Select(d => d.Kind));
    }
}
