using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Calendar;

/// <summary>
/// Keeps the process's calendar as the files of <see cref="DispatchOptions.CalendarFolder"/> say:
/// looks every <see cref="DispatchOptions.CalendarReloadInterval"/> for a changed, added or removed
/// year file and swaps the whole calendar in. A folder that does not read as a calendar is logged
/// and the calendar in use stays.
/// </summary>
public sealed partial class CalendarReloader(CityCalendar calendar, IOptions<DispatchOptions> options, ILogger<CalendarReloader> logger) : BackgroundService
{
    private string _seen = "";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.CalendarFolder is not { Length: > 0 } folder)
        {
            return;
        }

        _seen = Fingerprint(folder);
        using var timer = new PeriodicTimer(options.Value.CalendarReloadInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Reload(folder);
        }
    }

    /// <summary>Reads the folder again if any of its files changed since the last look; answers whether the calendar was replaced.</summary>
    public bool Reload(string folder)
    {
        var fingerprint = Fingerprint(folder);
        if (fingerprint == _seen)
        {
            return false;
        }

        try
        {
            calendar.Replace(CalendarFiles.LoadFolder(folder));
            _seen = fingerprint;
            LogReloaded(logger, folder);
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            _seen = fingerprint;
            LogRefused(logger, ex, folder);
            return false;
        }
    }

    private static string Fingerprint(string folder) =>
        Directory.Exists(folder)
            ? string.Join('|', Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal)
                .Select(f => $"{f}:{File.GetLastWriteTimeUtc(f).Ticks}:{new FileInfo(f).Length}"))
            : "";

    [LoggerMessage(5101, LogLevel.Information, "Working calendar reloaded from {Folder}")]
    private static partial void LogReloaded(ILogger logger, string folder);

    [LoggerMessage(5102, LogLevel.Error, "Working calendar in {Folder} refused; the calendar in use stays")]
    private static partial void LogRefused(ILogger logger, Exception exception, string folder);
}
