using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dispatch.Gateway.Tests;

/// <summary>Keeps every formatted log line of one category prefix, so tests can read what the gateway logged.</summary>
public sealed class LogCapture(string categoryPrefix) : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines.Select(l => l.Message)];

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capturing(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith(owner._categoryPrefix, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue((category, formatter(state, exception)));
            }
        }
    }

    private readonly string _categoryPrefix = categoryPrefix;
}
