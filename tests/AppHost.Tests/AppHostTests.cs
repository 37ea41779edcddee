using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dispatch.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.AppHost.Tests;

/// <summary>
/// The whole AppHost as `dotnet run --project src/AppHost` starts it, with PostgreSQL from the
/// machine's binaries (CI has no container runtime): the gateway becomes healthy, a hotline report
/// reaches a worker, and a graceful stop leaves no orchestrator, PostgreSQL, silo or gateway behind.
/// </summary>
public sealed partial class AppHostTests
{
    private const string HotlineKey = "apphost-test-hotline-key-0123456789";
    private const string AdminKey = "apphost-test-admin-key-0123456789";

    [Fact]
    public async Task The_cluster_comes_up_assigns_a_report_and_stops_without_leftovers()
    {
        using var turn = await WholeClusterTurn.TakeAsync(TimeSpan.FromMinutes(15));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var data = Path.Combine(Path.GetTempPath(), $"dispatch-apphost-test-{Guid.NewGuid():N}");
        IReadOnlyList<(int Pid, string Command)> started = [];
        try
        {
            // The operators' keys are AppHost parameters; a run that sets none gets new ones.
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                [
                    "--Dispatch:AppHost:Postgres=local", $"--Dispatch:AppHost:PostgresData={data}",
                    $"--Parameters:hotline-key={HotlineKey}", $"--Parameters:admin-key={AdminKey}",
                ], timeout.Token);

            await using (var app = await builder.BuildAsync(timeout.Token))
            {
                await app.StartAsync(timeout.Token);
                await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);

                using var http = app.CreateHttpClient("gateway", "http");
                await PutOnDutyAsync(http, "W000001", timeout.Token);
                var id = await ReportAsync(http, timeout.Token);
                var assignee = await Polling.Eventually(
                    () => AssigneeAsync(http, id, timeout.Token), a => a is not null, $"incident {id} assigned", TimeSpan.FromSeconds(60));
                Assert.Equal("W000001", assignee);

                await DemoTrafficRunsAndStopsAsync(app, timeout.Token, whileRunning: () => started = ProcessTree.StartedBy(Environment.ProcessId));

                await app.StopAsync(timeout.Token);
            }

            Assert.Contains(started, p => p.Command.Contains("postgres", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("Dispatch.Silo", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("Dispatch.Bench", StringComparison.Ordinal));
            var left = await Polling.Eventually(
                () => Task.FromResult(ProcessTree.StillAlive(started)), l => l.Count == 0, "every process the AppHost started ended", TimeSpan.FromSeconds(60));
            Assert.Empty(left);
        }
        finally
        {
            foreach (var (pid, _) in ProcessTree.StillAlive(started))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }

            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>
    /// The demo-traffic resource's command starts it at the rate given; its running totals show cases
    /// reaching workers; its Stop ends it gracefully (it says it is stopping and exits).
    /// </summary>
    internal static async Task DemoTrafficRunsAndStopsAsync(DistributedApplication app, CancellationToken cancellationToken, Action? whileRunning = null)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var traffic = await DemoTrafficStartsAsync(app, rate: 10, cancellationToken);
        whileRunning?.Invoke();

        await FirstLogLineAsync(logs, traffic, line => ProgressAssigned().Match(line) is { Success: true } m && int.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0,
            TimeSpan.FromMinutes(3), cancellationToken);
        await FirstLogLineAsync(logs, traffic, line => line.Contains("[demo] 10.0 reports/s until stopped", StringComparison.Ordinal), TimeSpan.FromSeconds(5), cancellationToken);

        var stopped = await commands.ExecuteCommandAsync("demo-traffic", KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stopped.Success, stopped.Message);
        await FirstLogLineAsync(logs, traffic, line => line.Contains("[demo] stopping", StringComparison.Ordinal), TimeSpan.FromMinutes(1), cancellationToken);
        await app.ResourceNotifications.WaitForResourceAsync("demo-traffic", KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>Runs the resource's <i>Start at a rate…</i>; returns the id its console log is kept under.</summary>
    internal static async Task<string> DemoTrafficStartsAsync(DistributedApplication app, int rate, CancellationToken cancellationToken)
    {
        var started = await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync("demo-traffic", "demo-traffic-start-at-rate",
            new InteractionInputCollection([new InteractionInput { Name = "rate", InputType = InputType.Number, Value = rate.ToString(CultureInfo.InvariantCulture) }]), cancellationToken);
        Assert.True(started.Success, started.Message);
        var running = await app.ResourceNotifications.WaitForResourceAsync("demo-traffic",
            e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        return running.ResourceId;
    }

    private static async Task<string> FirstLogLineAsync(ResourceLoggerService logs, string resource, Func<string, bool> wanted, TimeSpan within, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        var seen = new List<string>();
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(deadline.Token))
            {
                foreach (var line in batch)
                {
                    seen.Add(line.Content);
                    if (wanted(line.Content))
                    {
                        return line.Content;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new Xunit.Sdk.XunitException($"{resource} logged no such line within {within}; it logged:\n{string.Join('\n', seen.TakeLast(30))}");
    }

    [GeneratedRegex(@"assigned ([\d,]+) \(")]
    private static partial Regex ProgressAssigned();

    /// <summary>The demo city starts some workers off duty; silo 1 may still be loading them, so 404 is asked again.</summary>
    private static async Task PutOnDutyAsync(HttpClient http, string worker, CancellationToken cancellationToken)
    {
        var status = await Polling.Eventually(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/workers/{worker}/duty") { Content = JsonContent.Create(new { onDuty = true }) };
            request.Headers.Add("X-Api-Key", AdminKey);
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode;
        }, s => s != HttpStatusCode.NotFound, $"worker {worker} known", TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task<string> ReportAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new
            {
                category = "sanitation",
                description = "Rubbish piled up at the gate",
                reporter = new { name = "Wang", phone = "13900000000" },
                channel = "Hotline",
                location = new { buildingId = "D01-S01-C01-G01-B001" },
            }),
        };
        request.Headers.Add("X-Api-Key", HotlineKey);
        request.Headers.Add("Idempotency-Key", $"apphost-{Guid.NewGuid():N}");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string?> AssigneeAsync(HttpClient http, string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.TryGetProperty("assignee", out var assignee) && assignee.ValueKind == JsonValueKind.Object
            ? assignee.GetProperty("workerId").GetString()
            : null;
    }
}
