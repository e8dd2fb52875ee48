using System.Diagnostics;
using Agent.Http;
using Agent.Tests.Exporters;
using Microsoft.AspNetCore.Http;

namespace Agent.Tests.Http;

public sealed class EmbeddedHttpServerTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_request_runs_without_an_activity_while_nothing_listens_for_one()
    {
        // A logger factory that passes every level, as the agent's may: ASP.NET Core's hosting would then start an
        // Activity (and a log scope) for each request, an allocation and a trace id per OTLP export for nobody.
        var logs = new RecordingLogger();
        await using var server = await EmbeddedHttpServer.StartAsync(
            ListenEndpoint.Parse("127.0.0.1:0"),
            context => context.Response.WriteAsync(Activity.Current?.OperationName ?? "no activity", context.RequestAborted),
            logs,
            CancellationToken.None);

        using var client = new HttpClient();
        Assert.Equal("no activity", await client.GetStringAsync($"http://127.0.0.1:{server.Port}/"));
    }
}
