using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;

namespace Dispatch.Tests.Rules;

public sealed class CaseEventCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly string PreviousHash = new('a', 64);

    [Fact]
    public void Every_type_of_event_decodes_to_what_was_encoded()
    {
        var covered = new HashSet<Type>();
        foreach (var action in Enum.GetValues<IncidentAction>())
        {
            var data = CaseFoldTests.SampleData(action);
            Assert.Equal(CaseEventCodec.DataTypeOf(action), data?.GetType());
            var change = new CaseChange(action, ActorRef.Operator("duty-officer"), $"because {action}", data, new DeskRef(OrgLevel.Community, "D1-S1-C1"));

            var (entry, encoded) = CaseEventCodec.Encode("K1", 6, PreviousHash, change, At);
            var decoded = CaseEventCodec.Decode(entry);

            if (data is ImportData or DuplicateSeparatedData)
            {
                // The imported view and the separated callers are lists, which records compare by reference.
                Assert.Equivalent(encoded, decoded, strict: true);
                Assert.Equal(encoded with { Data = null }, decoded with { Data = null });
            }
            else
            {
                Assert.Equal(encoded, decoded);
            }

            Assert.Equal(data?.GetType(), decoded.Data?.GetType());
            if (data is not null)
            {
                covered.Add(data.GetType());
            }
        }

        var payloadTypes = typeof(CaseEventData).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CaseEventData))).ToHashSet();
        Assert.Equal(payloadTypes.OrderBy(t => t.Name), covered.OrderBy(t => t.Name));
    }

    [Fact]
    public void A_registration_without_a_first_contact_stage_is_recorded_as_before_the_stage_existed()
    {
        var grid = DeskRef.Grid("D1-S1-C1-G1");
        var without = CaseEventCodec.Encode("K1", 2, PreviousHash, new CaseChange(IncidentAction.Register, ActorRef.System("test"), null, new RegisterData(grid, At.AddDays(1))), At);
        Assert.DoesNotContain("contactDue", without.Entry.Payload, StringComparison.Ordinal);

        var with = CaseEventCodec.Encode("K1", 2, PreviousHash,
            new CaseChange(IncidentAction.Register, ActorRef.System("test"), null, new RegisterData(grid, At.AddDays(1), At.AddHours(4))), At);
        Assert.Equal(At.AddHours(4), Assert.IsType<RegisterData>(CaseEventCodec.Decode(with.Entry).Data).ContactDue);
    }

    [Fact]
    public void An_event_carries_the_envelope_of_its_row_and_the_hash_that_chains_to_the_row_before()
    {
        var change = new CaseChange(IncidentAction.Escalate, ActorRef.System("clock"), "resolve deadline passed",
            new EscalateData(new DeskRef(OrgLevel.Street, "D1-S1"), null), new DeskRef(OrgLevel.Street, "D1-S1"));

        var (entry, e) = CaseEventCodec.Encode("K1", 6, PreviousHash, change, At);

        Assert.Equal(("K1", 7, "Escalate", "system:clock", At, "resolve deadline passed", "street:D1-S1", PreviousHash),
            (entry.Stream, entry.Sequence, entry.Type, entry.Actor, entry.At, entry.Reason, entry.NoticeFor, entry.PreviousHash));
        Assert.Equal(entry.Hash, e.Hash);
        Assert.Equal(7, e.Sequence);
        Assert.True(entry.HashMatches);

        var (first, _) = CaseEventCodec.Encode("K2", 0, "", new CaseChange(IncidentAction.Note, ActorRef.Worker("W1"), "on site"), At);
        Assert.Equal((1, "", "{}"), (first.Sequence, first.PreviousHash, first.Payload));
        Assert.Null(CaseEventCodec.Decode(first).Data);
    }

    [Fact]
    public void A_row_of_an_unknown_type_is_not_read_as_an_event()
    {
        var row = JournalEntry.Create("K1", 1, "Teleport", "system:test", At, null, null, "{}", "");

        Assert.Throws<InvalidDataException>(() => CaseEventCodec.Decode(row));
    }

    [Fact]
    public void The_hash_of_a_row_matches_its_fields_and_no_longer_does_when_any_field_changes()
    {
        var (row, _) = CaseEventCodec.Encode("K1", 2, PreviousHash,
            new CaseChange(IncidentAction.Rate, ActorRef.Operator("o1"), "4/5", new RateData(4), DeskRef.Grid("G1")), At);
        Assert.True(row.HashMatches);

        var changed = new Dictionary<string, JournalEntry>
        {
            ["stream"] = row with { Stream = "K2" },
            ["sequence"] = row with { Sequence = 4 },
            ["type"] = row with { Type = "Close" },
            ["actor"] = row with { Actor = "operator:o2" },
            ["instant"] = row with { At = At.AddTicks(1) },
            ["reason"] = row with { Reason = "5/5" },
            ["no reason"] = row with { Reason = null },
            ["notice"] = row with { NoticeFor = "grid:G2" },
            ["no notice"] = row with { NoticeFor = null },
            ["payload"] = row with { Payload = row.Payload.Replace("4", "5", StringComparison.Ordinal) },
            ["previous hash"] = row with { PreviousHash = new string('b', 64) },
            ["hash"] = row with { Hash = new string('c', 64) },
        };

        Assert.All(changed, c => Assert.False(c.Value.HashMatches, $"changing the {c.Key} kept the hash"));
    }

    [Fact]
    public void Neighbouring_fields_cannot_trade_text_and_an_absent_text_is_not_an_empty_one()
    {
        string Hash(string? reason, string? noticeFor) => JournalEntry.HashOf("K1", 1, "Note", "system:test", At, reason, noticeFor, "{}", "");

        Assert.NotEqual(Hash("ab", ""), Hash("a", "b"));
        Assert.NotEqual(Hash(null, "x"), Hash("", "x"));
        Assert.NotEqual(Hash("x", null), Hash("x", ""));
    }

    [Fact]
    public void An_instant_hashes_the_same_in_every_offset_as_it_is_stored_in_UTC()
    {
        var (row, _) = CaseEventCodec.Encode("K1", 0, "", new CaseChange(IncidentAction.Note, ActorRef.Worker("W1"), "on site"), At);

        Assert.True((row with { At = At.ToUniversalTime() }).HashMatches);
        Assert.True((row with { At = new DateTimeOffset(At.UtcTicks, TimeSpan.Zero) }).HashMatches);
    }
}
