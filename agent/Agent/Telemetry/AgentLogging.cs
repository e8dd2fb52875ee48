using Agent.Config;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace Agent.Telemetry;

/// <summary>The agent's own logs: Serilog to stderr, structured JSON by default, at the configured level.</summary>
internal static class AgentLogging
{
    public static ILoggerFactory Create(TelemetryLogsOptions options)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(LevelOf(options.Level))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        configuration = options.Encoding == "console"
            ? configuration.WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose)
            : configuration.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose);
        Logger logger = configuration.CreateLogger();
        return new SerilogLoggerFactory(logger, dispose: true);
    }

    private static LogEventLevel LevelOf(string level) => level switch
    {
        "debug" => LogEventLevel.Debug,
        "warn" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };
}
