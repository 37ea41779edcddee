using System.Text;
using Dispatch.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Catalog;

/// <summary>
/// Keeps this process's <see cref="CategoryCatalog"/> on the installed one (<see cref="ICatalogGrain"/>):
/// reads it once the host has started, then every <see cref="DispatchOptions.CatalogRefreshInterval"/>,
/// and swaps it in when its version is newer. Runs in every silo and every gateway, so an import
/// anywhere reaches them all within one interval, and a restarted one finds it in storage.
/// </summary>
public sealed partial class CatalogRefresher(
    IGrainFactory grains,
    CategoryCatalog catalog,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<CatalogRefresher> logger) : BackgroundService
{
    private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the installed catalog has been looked for after start (found or not, or the
    /// look failed): desks woken at start-up wait for it, so they fold their cases against it.
    /// </summary>
    public Task FirstRead => _firstRead.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WhenStarted(stoppingToken);
            await Refresh(atStart: true);
            _firstRead.TrySetResult();
            using var beat = new PeriodicTimer(options.Value.CatalogRefreshInterval, time.Provider);
            while (await beat.WaitForNextTickAsync(stoppingToken))
            {
                await Refresh(atStart: false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _firstRead.TrySetResult();
        }
    }

    /// <summary>Swaps in the installed catalog when it is newer than the one in use; answers whether it did.</summary>
    public async Task<bool> Refresh(bool atStart = false)
    {
        try
        {
            var installed = await grains.GetGrain<ICatalogGrain>(0).Get();
            if (installed is null || installed.Version <= catalog.Version)
            {
                if (atStart)
                {
                    LogNoneInstalled(logger, FileInUse());
                }

                return false;
            }

            var newer = CategoryCatalog.Load(Encoding.UTF8.GetBytes(installed.Json), $"catalog version {installed.Version}");
            if (!catalog.Replace(newer, installed.Version))
            {
                return false;
            }

            if (atStart)
            {
                LogStoredWins(logger, installed.Version, newer.Categories.Count, FileInUse());
            }
            else
            {
                LogSwapped(logger, installed.Version, newer.Categories.Count, newer.Departments.Count);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The cluster may be starting or the database away: the file's (or the last) catalog stays, and the next beat tries again.
            LogReadFailed(logger, ex);
            return false;
        }
    }

    private string FileInUse() => options.Value.CatalogPath is { Length: > 0 } path ? $"the file {path}" : "the shipped catalog";

    [LoggerMessage(5502, LogLevel.Information, "Catalog version {Version} installed in storage is in use ({Categories} categories); it wins over {File}")]
    private static partial void LogStoredWins(ILogger logger, int version, int categories, string file);

    [LoggerMessage(5503, LogLevel.Information, "No catalog is installed in storage; using {File}")]
    private static partial void LogNoneInstalled(ILogger logger, string file);

    [LoggerMessage(5504, LogLevel.Information, "Catalog version {Version} installed elsewhere is now in use: {Categories} categories, {Departments} departments")]
    private static partial void LogSwapped(ILogger logger, int version, int categories, int departments);

    [LoggerMessage(5505, LogLevel.Warning, "Reading the installed catalog failed; the catalog in use stays until the next check")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
