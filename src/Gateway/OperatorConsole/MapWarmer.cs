using Dispatch.Gateway.Apis;

namespace Dispatch.Gateway.OperatorConsole;

/// <summary>
/// Builds the map answer once the map is loaded, so that the first console to open does not
/// wait for it (5,000 grids: about 0.5 s of a quiet machine, more of a busy one).
/// </summary>
public sealed partial class MapWarmer(ITerritory territory, MapCache cache, ILogger<MapWarmer> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var summary = await territory.Calls.Idempotent(() => territory.Grain.GetSummary(), stoppingToken);
                if (summary.Grids > 0)
                {
                    await cache.GetAsync(ConsoleApi.ETagOf(summary), () => MapAnswer.BuildAsync(territory));
                    return;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster is not up yet; a console opened meanwhile builds the answer itself.
                NotYet(logger, ex.Message);
            }
            catch (Exception)
            {
                return;
            }

            try
            {
                await Task.Delay(Retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The console's map answer is not built yet: {Reason}")]
    private static partial void NotYet(ILogger logger, string reason);
}
