using Dispatch.Access;
using Dispatch.Hosting;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Security;

/// <summary>
/// Keeps this gateway's <see cref="ApiKeyRegistry"/> on the keyring: reads it once the host has
/// started, then asks every <see cref="ApiKeyOptions.KeyRefreshInterval"/> whether it changed (one
/// small call; the keyring answers without reading storage). A key issued, scoped or revoked through
/// another gateway takes effect here within one interval; through this one, at once.
/// </summary>
public sealed partial class IssuedKeyRefresher(
    IGrainFactory grains,
    ApiKeyRegistry registry,
    TimeProvider clock,
    IOptions<ApiKeyOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<IssuedKeyRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WhenStarted(stoppingToken);
            await Refresh();
            using var beat = new PeriodicTimer(options.Value.KeyRefreshInterval, clock);
            while (await beat.WaitForNextTickAsync(stoppingToken))
            {
                await Refresh();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes up the keyring when it changed; a failed read keeps the keys in use and is tried again at the next beat.</summary>
    public async Task Refresh()
    {
        try
        {
            if (await grains.GetGrain<IKeyringGrain>(0).GetIfChanged(registry.IssuedVersion) is { } keyring && registry.Install(keyring))
            {
                var revoked = keyring.Keys.Count(k => k.IsRevoked);
                LogTakenUp(logger, keyring.Version, keyring.Keys.Count - revoked, revoked);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUnreadable(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Keyring version {Version} taken up: {InForce} issued keys in force, {Revoked} revoked.")]
    private static partial void LogTakenUp(ILogger logger, long version, int inForce, int revoked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The keyring could not be read ({Error}); the issued keys known here stay in force until the next try.")]
    private static partial void LogUnreadable(ILogger logger, string error);
}
