using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.Gateway.Tests;

public sealed class IdempotencyTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    internal static HttpRequestMessage Post(object body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKeys.Header, idempotencyKey);
        }

        return request;
    }

    internal static async Task<IncidentView> Read(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;

    [Fact]
    public async Task A_resubmission_with_the_same_key_returns_the_same_incident()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        var body = Reports.Body("noise", description: "Karaoke after midnight");

        var first = await hotline.SendAsync(Post(body, "call-0001"));
        var second = await hotline.SendAsync(Post(body, "call-0001"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues(IdempotencyKeys.ReplayedHeader).Single());
        var (a, b) = (await Read(first), await Read(second));
        Assert.Equal(a.Id, b.Id);
        Assert.Single(b.Timeline, t => t.Action == IncidentAction.Register);

        // Another key holder's key of the same text is another key.
        var other = await gateway.ClientFor(GatewayFactory.Operator).SendAsync(Post(body, "call-0001"));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.NotEqual(a.Id, (await Read(other)).Id);

        // Without a key, every submission is a new report.
        var (x, y) = (await hotline.SendAsync(Post(body, null)), await hotline.SendAsync(Post(body, null)));
        Assert.NotEqual((await Read(x)).Id, (await Read(y)).Id);
    }

    [Fact]
    public async Task Concurrent_resubmissions_register_one_incident()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        var body = Reports.Body("sanitation", description: "Overflowing bins, called in twice at once");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => hotline.SendAsync(Post(body, "call-burst"))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        var ids = (await Task.WhenAll(responses.Select(Read))).Select(v => v.Id).Distinct().ToArray();
        var id = Assert.Single(ids);
        var view = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json);
        Assert.Single(view!.Timeline, t => t.Action == IncidentAction.Register);
    }

    [Fact]
    public async Task A_key_reused_for_a_different_report_is_refused_and_changes_nothing()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        var first = await Read(await hotline.SendAsync(Post(Reports.Body("noise", description: "Drilling at 6am"), "call-0002")));

        var reused = await hotline.SendAsync(Post(Reports.Body("property", description: "Lift broken"), "call-0002"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        using var problem = JsonDocument.Parse(await reused.Content.ReadAsStringAsync());
        Assert.Equal(IdempotencyKeys.Header, problem.RootElement.GetProperty("field").GetString());
        var unchanged = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{first.Id}", GatewayFactory.Json);
        Assert.Equal("noise", unchanged!.Category);
    }

    [Fact]
    public async Task A_refused_report_does_not_use_up_its_key()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);

        var refused = await hotline.SendAsync(Post(Reports.Body("unicorns"), "call-0003"));
        var corrected = await hotline.SendAsync(Post(Reports.Body("noise"), "call-0003"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.Equal("noise", (await Read(corrected)).Category);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("中文")]
    [InlineData(null)]
    public async Task A_malformed_key_is_422(string? key)
    {
        key ??= new string('k', 201);
        var response = await gateway.ClientFor(GatewayFactory.Hotline).SendAsync(Post(Reports.Body(), key));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }
}

/// <summary>
/// The embedded gateway whose intake takes 50 ms longer to check a report: long enough for requests
/// racing under one key to overtake the first one's registration, as they do over a network.
/// </summary>
public sealed class SlowIntakeGatewayFactory : GatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter, SlowIntake>());
    }

    private sealed class SlowIntake : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(Intake.IIntakeGrain))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            await context.Invoke();
        }
    }
}

/// <summary>Requests racing under one idempotency key: exactly one report is registered.</summary>
public sealed class IdempotencyRaceTests(SlowIntakeGatewayFactory gateway) : IClassFixture<SlowIntakeGatewayFactory>
{
    private static HttpRequestMessage Post(object body, string? idempotencyKey) => IdempotencyTests.Post(body, idempotencyKey);

    private static Task<IncidentView> Read(HttpResponseMessage response) => IdempotencyTests.Read(response);

    [Fact]
    public async Task Different_reports_racing_under_one_key_register_one_and_refuse_the_rest()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        var bodies = Enumerable.Range(0, 50).Select(i => Reports.Body("noise", description: $"Racing report {i}")).ToArray();

        var responses = await Task.WhenAll(bodies.Select(b => hotline.SendAsync(Post(b, "call-race"))));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r != created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        var view = await Read(created);
        var stored = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{view.Id}", GatewayFactory.Json);
        Assert.Equal(view.Description, stored!.Description);
    }

    [Fact]
    public async Task Identical_reports_racing_under_one_key_are_one_201_and_replays()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        var body = Reports.Body("sanitation", description: "Bins on fire, twenty operators at once");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => hotline.SendAsync(Post(body, "call-identical"))));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var replay in responses.Where(r => r != created))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues(IdempotencyKeys.ReplayedHeader).Single());
        }

        Assert.Single((await Task.WhenAll(responses.Select(Read))).Select(v => v.Id).Distinct());
    }
}
