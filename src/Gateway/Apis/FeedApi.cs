using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Dispatch.Gateway.Feed;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Apis;

/// <summary>The live feed for operator screens: server-sent events of every change of every case, filterable by area.</summary>
public static class FeedApi
{
    /// <summary>A comment line this often keeps proxies from closing a quiet feed.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/feed", async (string? area, HttpContext http, ScopeGuard scope, TransitionHub hub, CancellationToken cancellationToken) =>
            {
                // A key limited to an area follows it, or a part of it.
                var followed = await scope.FeedArea(http, string.IsNullOrWhiteSpace(area) ? null : area.Trim());

                // Subscribed before the response starts, so a screen misses nothing after its "ready" event.
                var listener = await hub.Listen(followed, cancellationToken);
                return TypedResults.ServerSentEvents(Events(listener, cancellationToken));
            })
            .RequireAuthorization(Policies.Supervise)
            .WithTags("Feed")
            .WithSummary("Server-sent events: 'ready' once, then a 'transition' for every change of a case in the area (a grid, community, street or district id; all when omitted, a scoped key's own area); 'heartbeat' when quiet.");
        return app;
    }

    private static async IAsyncEnumerable<SseItem<object>> Events(TransitionHub.Listener listener, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (listener)
        {
            yield return new SseItem<object>(new { area = listener.AreaId }, "ready");
            while (!cancellationToken.IsCancellationRequested)
            {
                bool more;
                using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    quiet.CancelAfter(Heartbeat);
                    try
                    {
                        more = await listener.Reader.WaitToReadAsync(quiet.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        more = true;
                    }
                    catch (OperationCanceledException)
                    {
                        yield break;
                    }
                }

                if (!more)
                {
                    yield break;
                }

                if (!listener.Reader.TryPeek(out _))
                {
                    yield return new SseItem<object>(new { at = DateTimeOffset.UtcNow }, "heartbeat");
                    continue;
                }

                while (listener.Reader.TryRead(out var transition))
                {
                    yield return new SseItem<object>(transition, "transition") { EventId = $"{transition.IncidentId}/{transition.Version}" };
                }
            }
        }
    }
}
