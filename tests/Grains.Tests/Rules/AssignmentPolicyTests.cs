using Dispatch.Desks;
using Dispatch.Workforce;

namespace Dispatch.Tests.Rules;

public sealed class AssignmentPolicyTests
{
    private static Candidate Worker(string id, bool onDuty = true, int load = 0, long lastAssigned = 0, params string[] skills) =>
        new(new WorkerProfile(id, id, WorkerRole.GridWorker, skills.Length == 0 ? ["sanitation"] : skills, "G", null, onDuty), onDuty, load, lastAssigned);

    [Fact]
    public void Least_loaded_on_duty_worker_with_the_skill_is_picked()
    {
        var pick = AssignmentPolicy.Pick([Worker("a", load: 3), Worker("b", load: 1), Worker("c", load: 2)], "sanitation", []);
        Assert.Equal("b", pick?.Worker.Id);
    }

    [Fact]
    public void An_off_duty_worker_is_never_picked_even_when_idle()
    {
        var pick = AssignmentPolicy.Pick([Worker("idle", onDuty: false), Worker("busy", load: 9)], "sanitation", []);
        Assert.Equal("busy", pick?.Worker.Id);
    }

    [Fact]
    public void Nobody_is_picked_when_no_on_duty_worker_has_the_skill()
    {
        var pick = AssignmentPolicy.Pick([Worker("a", skills: "property"), Worker("b", onDuty: false, skills: "gas")], "gas", []);
        Assert.Null(pick);
    }

    [Fact]
    public void Skills_match_regardless_of_case()
    {
        var pick = AssignmentPolicy.Pick([Worker("a", skills: "Security")], "security", []);
        Assert.Equal("a", pick?.Worker.Id);
    }

    [Fact]
    public void Workers_passed_over_for_the_case_are_not_picked_again()
    {
        var pick = AssignmentPolicy.Pick([Worker("a"), Worker("b", load: 5)], "sanitation", ["a"]);
        Assert.Equal("b", pick?.Worker.Id);
    }

    [Fact]
    public void Equal_load_goes_to_the_least_recently_assigned_then_to_the_lowest_id()
    {
        var rotation = AssignmentPolicy.Pick([Worker("a", lastAssigned: 7), Worker("b", lastAssigned: 2)], "sanitation", []);
        Assert.Equal("b", rotation?.Worker.Id);

        var byId = AssignmentPolicy.Pick([Worker("z"), Worker("m"), Worker("q")], "sanitation", []);
        Assert.Equal("m", byId?.Worker.Id);
    }

    [Fact]
    public void The_pick_does_not_depend_on_roster_order()
    {
        Candidate[] roster = [Worker("c", load: 1), Worker("a", load: 1), Worker("b", load: 1)];
        var forward = AssignmentPolicy.Pick(roster, "sanitation", []);
        var backward = AssignmentPolicy.Pick(roster.Reverse(), "sanitation", []);
        Assert.Equal(forward, backward);
        Assert.Equal("a", forward?.Worker.Id);
    }
}
