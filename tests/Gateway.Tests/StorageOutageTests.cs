using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Dispatch.Incidents;
using Dispatch.Journal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dispatch.Gateway.Tests;

/// <summary>A database error as Npgsql's are: a <see cref="DbException"/> Orleans has no codec for.</summary>
public sealed class SimulatedDbException() : DbException("The simulated database is not accepting connections.")
{
    public override bool IsTransient => true;
}

/// <summary>Switches the database off and on for the stores it wraps.</summary>
public sealed class SimulatedOutage
{
    private long _untilTicks;

    public bool Down => DateTimeOffset.UtcNow.UtcTicks < Interlocked.Read(ref _untilTicks);

    public void For(TimeSpan duration) => Interlocked.Exchange(ref _untilTicks, (DateTimeOffset.UtcNow + duration).UtcTicks);

    public void End() => Interlocked.Exchange(ref _untilTicks, 0);

    /// <summary>Wraps <paramref name="inner"/> so every call fails while the outage lasts.</summary>
    public T Wrap<T>(T inner) where T : class
    {
        var proxy = DispatchProxy.Create<T, OutageProxy<T>>();
        ((OutageProxy<T>)(object)proxy).Bind(inner, this);
        return proxy;
    }
}

public class OutageProxy<T> : DispatchProxy where T : class
{
    private T _inner = null!;
    private SimulatedOutage _outage = null!;

    internal void Bind(T inner, SimulatedOutage outage) => (_inner, _outage) = (inner, outage);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (_outage.Down && typeof(Task).IsAssignableFrom(targetMethod!.ReturnType))
        {
            throw new SimulatedDbException();
        }

        try
        {
            return targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}

/// <summary>The embedded gateway whose journal and register can be switched off, with a short call budget.</summary>
public sealed class OutageGatewayFactory : GatewayFactory
{
    public SimulatedOutage Outage { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Gateway:Cluster:TotalTimeout"] = "00:00:04";
        settings["Gateway:Cluster:AttemptTimeout"] = "00:00:02";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<MemoryJournalStore>();
            services.Replace(ServiceDescriptor.Singleton<IJournalStore>(sp => Outage.Wrap<IJournalStore>(sp.GetRequiredService<MemoryJournalStore>())));
            services.Replace(ServiceDescriptor.Singleton<ICaseRegister>(sp =>
                Outage.Wrap<ICaseRegister>(new MemoryCaseRegister(sp.GetRequiredService<MemoryJournalStore>(), NullLogger.Instance))));
        });
    }
}

/// <summary>A database outage reaches callers as 503 with Retry-After, and a short one is ridden out.</summary>
public sealed class StorageOutageTests(OutageGatewayFactory gateway) : IClassFixture<OutageGatewayFactory>
{
    [Fact]
    public async Task A_report_during_a_short_outage_is_retried_and_registered()
    {
        gateway.Outage.For(TimeSpan.FromSeconds(1.5));

        var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Reports.Body("noise", "D01-S01-C01-G02-B001"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
        var stored = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{view.Id}", GatewayFactory.Json);
        Assert.Single(stored!.Timeline, t => t.Action == IncidentAction.Register);
    }

    [Fact]
    public async Task An_outage_longer_than_the_budget_is_503_with_retry_after()
    {
        gateway.Outage.For(TimeSpan.FromMinutes(1));
        try
        {
            var report = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Reports.Body("noise", "D01-S01-C02-G01-B001"));
            var list = await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/api/v1/incidents");

            foreach (var response in new[] { report, list })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Contains("database", problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            gateway.Outage.End();
        }
    }
}
