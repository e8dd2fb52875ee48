using System.Globalization;
using System.Net;

namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>
/// Steady OTLP/HTTP clients: each posts a request of <paramref name="itemsPerRequest"/> numbered items built by
/// <paramref name="build"/> (first number, count) to the agent's <paramref name="uri"/>, waits a little, and again,
/// recording in the ledger whether the agent took them (200), refused them retryably (503 or 429), or did not answer.
/// </summary>
internal sealed class OtlpLoad(Uri uri, int itemsPerRequest, Func<long, int, byte[]> build, FaultLedger ledger)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task RunAsync(int clients, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => SendUntilAsync(stop), CancellationToken.None)));

    private async Task SendUntilAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            long first = ledger.Reserve(itemsPerRequest);
            string phase = ledger.Phase;
            using var content = new ByteArrayContent(build(first, itemsPerRequest));
            content.Headers.ContentType = new("application/x-protobuf");
            ItemOutcome outcome = await PostAsync(content);
            ledger.Record(first, itemsPerRequest, phase, outcome);
            await Task.Delay(outcome == ItemOutcome.Refused ? 100 : 20, CancellationToken.None);
        }
    }

    private async Task<ItemOutcome> PostAsync(HttpContent content)
    {
        try
        {
            using var answer = await _http.PostAsync(uri, content, CancellationToken.None);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                return ItemOutcome.Acknowledged;
            }

            if (answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests && answer.Headers.RetryAfter is not null)
            {
                return ItemOutcome.Refused;
            }

            string body = await answer.Content.ReadAsStringAsync(CancellationToken.None);
            ledger.RecordOther(string.Create(CultureInfo.InvariantCulture, $"{(int)answer.StatusCode}: {body}"));
            return ItemOutcome.Unanswered;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            ledger.RecordOther($"no answer: {ex.Message}");
            return ItemOutcome.Unanswered;
        }
    }
}
