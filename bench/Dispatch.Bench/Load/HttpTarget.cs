using System.Net.Http.Json;
using System.Text.Json;

namespace Dispatch.Bench.Load;

/// <summary>
/// Dispatch through its front door: reports are POSTed with a hotline key, assignments are read
/// from the live feed (server-sent events) with an admin key, and the admin key acts for the workers.
/// </summary>
public sealed class HttpTarget(Uri baseAddress, string hotlineKey, string adminKey, string name) : ILoadTarget
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 512,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private readonly CancellationTokenSource _stop = new();
    private Task? _feed;

    public string Name => name;

    public Action<Assignment>? Assigned { get; set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_feed is not null)
        {
            return;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _feed = Task.Run(() => ReadFeed(ready, _stop.Token), CancellationToken.None);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    public async Task<ReportAck> ReportAsync(PlannedReport report, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new
            {
                category = report.Category,
                description = report.Description,
                reporter = new { name = report.ReporterName, phone = report.ReporterPhone },
                channel = "Hotline",
                location = new { buildingId = report.BuildingId },
            }),
        };
        request.Headers.Add("X-Api-Key", hotlineKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccess(response, cancellationToken);
        var view = await response.Content.ReadFromJsonAsync<AckBody>(Json, cancellationToken)
            ?? throw new LoadTargetException("empty answer", "The gateway answered a report without a body.");
        return new ReportAck(view.Id, view.ReportedAt);
    }

    public Task AcceptAsync(Assignment assignment, CancellationToken cancellationToken) =>
        Act($"/api/v1/incidents/{assignment.IncidentId}/accept", new { }, cancellationToken);

    public Task ResolveAsync(Assignment assignment, CancellationToken cancellationToken) =>
        Act($"/api/v1/incidents/{assignment.IncidentId}/resolve", new { result = "Dealt with on site." }, cancellationToken);

    /// <summary>Puts a worker on duty, as the load run does for every grid worker before it starts.</summary>
    public async Task PutOnDutyAsync(string workerId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/workers/{workerId}/duty") { Content = JsonContent.Create(new { onDuty = true }) };
        request.Headers.Add("X-Api-Key", adminKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccess(response, cancellationToken);
    }

    /// <summary>One GET of a building: an HTTP request that makes exactly one grain call (the gateway's ceiling).</summary>
    public async Task GetBuildingAsync(string buildingId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/buildings/{buildingId}");
        request.Headers.Add("X-Api-Key", hotlineKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccess(response, cancellationToken);
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_feed is not null)
        {
            await _feed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task Act(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", adminKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccess(response, cancellationToken);
    }

    private static async Task EnsureSuccess(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new LoadTargetException($"HTTP {(int)response.StatusCode}", $"{(int)response.StatusCode}: {text}");
    }

    /// <summary>Reads the server-sent events of the live feed; a Dispatch line with a worker is an assignment.</summary>
    private async Task ReadFeed(TaskCompletionSource ready, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/feed");
            request.Headers.Add("X-Api-Key", adminKey);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await EnsureSuccess(response, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            string? eventName = null;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventName = line[6..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    if (eventName == "ready")
                    {
                        ready.TrySetResult();
                    }
                    else if (eventName == "transition")
                    {
                        OnTransition(line.AsSpan(5).Trim());
                    }
                }
                else if (line.Length == 0)
                {
                    eventName = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            ready.TrySetException(ex);
            Console.Error.WriteLine($"[load] the live feed failed: {ex.Message}");
        }
    }

    private void OnTransition(ReadOnlySpan<char> data)
    {
        var transition = JsonSerializer.Deserialize<TransitionBody>(data, Json);
        if (transition is { Action: "Dispatch", To: "AwaitingConfirmation" })
        {
            // A resident's report held for an on-site check (核实): the simulated check finds the
            // problem at once, the case is filed, and its real dispatch follows on the feed.
            _ = ConfirmOnSite(transition.IncidentId);
            return;
        }

        if (transition is { Action: "Dispatch", Assignee.WorkerId: { } workerId })
        {
            Assigned?.Invoke(new Assignment(transition.IncidentId, workerId, transition.At));
        }
    }

    private sealed record AckBody(string Id, DateTimeOffset ReportedAt);

    private sealed record AssigneeBody(string? WorkerId);

    private sealed record TransitionBody(string IncidentId, DateTimeOffset At, string Action, AssigneeBody? Assignee, string? To = null);

    private async Task ConfirmOnSite(string incidentId)
    {
        try
        {
            await Act($"/api/v1/incidents/{incidentId}/confirm", new { confirmed = true, note = "Found on site." }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"[load] confirming {incidentId} on site failed: {ex.Message}");
        }
    }
}
