using System.Collections.Concurrent;
using Agent.Core.Components;
using Microsoft.Extensions.Logging;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>The receiver tests' host: the shared test host with loggers that keep what the components said.</summary>
internal static class PodLogsTestHost
{
    public static TestHost Create(string dataDirectory) => new(new LoggerFactory([new ListLoggerProvider()]), dataDirectory);

    /// <summary>What the components logged, to explain a failing test.</summary>
    public static IEnumerable<string> Logged => ListLoggerProvider.Lines;
}

/// <summary>A <c>file_storage</c> stand-in: one directory per component under a root.</summary>
internal sealed class TestStorageExtension(string root) : IStorageExtension
{
    public List<(ComponentKind Kind, ComponentId Id)> Requests { get; } = [];

    public string GetDirectory(ComponentKind kind, ComponentId component)
    {
        Requests.Add((kind, component));
        string directory = Path.Combine(root, $"{kind}_{component.Type}_{component.Name}");
        Directory.CreateDirectory(directory);
        return directory;
    }
}

/// <summary>Keeps log lines in memory.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public static ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger();

    public void Dispose()
    {
    }

    private sealed class ListLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)} {exception}");
            while (Lines.Count > 500 && Lines.TryDequeue(out _))
            {
            }
        }
    }
}
