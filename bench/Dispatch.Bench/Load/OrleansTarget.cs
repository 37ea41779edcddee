using Dispatch.Hosting;
using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Territory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatch.Bench.Load;

/// <summary>How an Orleans client finds the silos: the embedded gateway's localhost gateway port, or a cluster's membership table.</summary>
public sealed record OrleansEndpoint(int? GatewayPort, string? PostgresConnection, string ClusterId = "dispatch-local", string ServiceId = "dispatch")
{
    public static OrleansEndpoint Localhost(int gatewayPort) => new(gatewayPort, null);

    public static OrleansEndpoint Cluster(string connection) => new(null, connection);

    public override string ToString() => GatewayPort is { } port ? $"localhost gateway port {port}" : "the cluster's membership table";
}

/// <summary>
/// Dispatch straight through an Orleans client, past HTTP: reports go to the intake grain, and
/// assignments arrive on an observer subscribed to every partition of the live feed.
/// </summary>
public sealed class OrleansTarget : ILoadTarget, ITransitionObserver
{
    private readonly IHost _host;
    private readonly CancellationTokenSource _stop = new();
    private readonly ActorRef _hotline = new(ActorRole.Hotline, "bench-hotline");
    private ITransitionObserver? _reference;
    private Task? _renewing;

    private OrleansTarget(IHost host, string name)
    {
        _host = host;
        Name = name;
    }

    public string Name { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    public Action<Assignment>? Assigned { get; set; }

    public static async Task<OrleansTarget> ConnectAsync(OrleansEndpoint endpoint, string name, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        var settings = new Dictionary<string, string?>();
        if (endpoint.PostgresConnection is { } connection)
        {
            settings["Dispatch:Storage:Provider"] = "postgres";
            settings["ConnectionStrings:Dispatch"] = connection;
            settings["Orleans:ClusterId"] = endpoint.ClusterId;
            settings["Orleans:ServiceId"] = endpoint.ServiceId;
        }
        else
        {
            settings["Dispatch:Storage:Provider"] = "memory";
            settings["Orleans:Endpoints:GatewayPort"] = endpoint.GatewayPort?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddDispatchClient();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new OrleansTarget(host, name);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_reference is not null)
        {
            return;
        }

        _reference = Grains.CreateObjectReference<ITransitionObserver>(this);
        await Subscribe();
        _renewing = Renew(_stop.Token);
    }

    public async Task<ReportAck> ReportAsync(PlannedReport report, CancellationToken cancellationToken)
    {
        var view = await Grains.GetGrain<IIntakeGrain>(0).Report(new NewReport(
            report.Category,
            report.Description,
            new Reporter(report.ReporterName, report.ReporterPhone),
            Channel.Hotline,
            new ReportedLocation(report.BuildingId, null, null, null),
            IncidentIds.New(DateTimeOffset.UtcNow)), _hotline);
        return new ReportAck(view.Id, view.ReportedAt);
    }

    public Task AcceptAsync(Assignment assignment, CancellationToken cancellationToken) =>
        Grains.GetGrain<IIncidentGrain>(assignment.IncidentId).Accept(ActorRef.Worker(assignment.WorkerId));

    public Task ResolveAsync(Assignment assignment, CancellationToken cancellationToken) =>
        Grains.GetGrain<IIncidentGrain>(assignment.IncidentId).Resolve(ActorRef.Worker(assignment.WorkerId), "Dealt with on site.");

    public Task OnTransitions(IReadOnlyList<IncidentTransition> transitions)
    {
        foreach (var transition in transitions)
        {
            if (transition is { Action: IncidentAction.Dispatch, To: IncidentStatus.AwaitingConfirmation, Assignee.WorkerId: { } checker })
            {
                // A report held for an on-site check (核实): the worker finds the problem at once, the
                // case is filed and stays theirs, and that dispatch follows as a transition of its own.
                Grains.GetGrain<IIncidentGrain>(transition.IncidentId).Confirm(ActorRef.Worker(checker), true, "Found on site.").Ignore();
            }
            else if (transition is { Action: IncidentAction.Dispatch, Assignee.WorkerId: { } workerId })
            {
                Assigned?.Invoke(new Assignment(transition.IncidentId, workerId, transition.At));
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_renewing is not null)
        {
            await _renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_reference is not null)
        {
            Grains.DeleteObjectReference<ITransitionObserver>(_reference);
        }

        await _host.StopAsync();
        _host.Dispose();
        _stop.Dispose();
    }

    private Task Subscribe() => Task.WhenAll(Enumerable.Range(0, ITransitionFeedGrain.Partitions)
        .Select(p => Grains.GetGrain<ITransitionFeedGrain>(p).Subscribe(_reference!)));

    /// <summary>Renews the subscriptions well within their lifetime.</summary>
    private async Task Renew(CancellationToken cancellationToken)
    {
        using var tick = new PeriodicTimer(ITransitionFeedGrain.SubscriptionLifetime / 4);
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                await Subscribe();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
