using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Dispatch.AppHost.Tests;

/// <summary>
/// The dashboard's login URL as the AppHost logs it ("Login to the dashboard at …?t=TOKEN"): under
/// the testing builder the dashboard takes a free port and a fresh token, so this is where to learn them.
/// </summary>
public sealed partial class DashboardLoginWatcher : ILoggerProvider
{
    private readonly TaskCompletionSource<Uri> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<Uri> LoginUrl => _login.Task;

    public ILogger CreateLogger(string categoryName) => new Watcher(this);

    public void Dispose()
    {
    }

    [GeneratedRegex(@"Login to the dashboard at (\S+)")]
    private static partial Regex LoginLine();

    private sealed class Watcher(DashboardLoginWatcher owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (LoginLine().Match(formatter(state, exception)) is { Success: true } found)
            {
                owner._login.TrySetResult(new Uri(found.Groups[1].Value));
            }
        }
    }
}
