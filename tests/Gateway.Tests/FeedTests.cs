using System.Text.Json;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Tests;

public sealed class FeedTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    /// <summary>Reads server-sent events as (event, data) pairs.</summary>
    private static async IAsyncEnumerable<(string Event, string Data)> Events(Stream stream)
    {
        using var reader = new StreamReader(stream);
        string? name = null;
        var data = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    yield return (name, data.ToString());
                }

                (name, data) = (null, new System.Text.StringBuilder());
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }

    [Fact]
    public async Task The_feed_carries_every_transition_of_cases_in_its_area_and_nothing_else()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var screen = gateway.ClientFor(GatewayFactory.Operator);
        using var response = await screen.GetAsync("/api/v1/feed?area=D01-S01-C02", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = Events(await response.Content.ReadAsStreamAsync(timeout.Token)).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("ready", events.Current.Event);

        var outside = await Reports.File(gateway, "sanitation", "D01-S01-C01-G02-B001");
        var inside = await Reports.File(gateway, "sanitation", "D01-S01-C02-G01-B002");
        var cancel = await gateway.ClientFor(GatewayFactory.Operator).PostAsync(
            $"/api/v1/incidents/{inside.Id}/cancel", System.Net.Http.Json.JsonContent.Create(new { reason = "resident solved it" }), timeout.Token);
        cancel.EnsureSuccessStatusCode();

        var seen = new List<IncidentTransition>();
        while (!seen.Any(t => t.Action == IncidentAction.Cancel) && await events.MoveNextAsync())
        {
            if (events.Current.Event == "transition")
            {
                seen.Add(JsonSerializer.Deserialize<IncidentTransition>(events.Current.Data, GatewayFactory.Json)!);
            }
        }

        Assert.DoesNotContain(seen, t => t.IncidentId == outside.Id);
        Assert.All(seen, t => Assert.Equal("D01-S01-C02", t.Path.CommunityId));
        var mine = seen.Where(t => t.IncidentId == inside.Id).ToList();
        Assert.Equal([IncidentAction.Report, IncidentAction.Register], mine.Take(2).Select(t => t.Action));
        Assert.Contains(mine, t => t.Action == IncidentAction.Cancel && t.To == IncidentStatus.Cancelled && t.Actor == "operator:duty-officer");
        Assert.Equal(mine.Select(t => t.Version).Order(), mine.Select(t => t.Version));
        await events.DisposeAsync();
    }
}
