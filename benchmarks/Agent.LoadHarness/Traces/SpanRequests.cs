using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

using static Agent.LoadHarness.Otlp.OtlpAttributes;

namespace Agent.LoadHarness.Traces;

/// <summary>
/// Builds OTLP trace export requests shaped like the Collector testbed's load: one resource, spans with random
/// trace and span ids, realistic HTTP server/client names and ten attributes each (eight semantic-convention
/// ones plus the load generator's two sequence numbers).
/// </summary>
internal static class SpanRequests
{
    private const int SpansPerTrace = 10;

    private static readonly string[] Routes =
    [
        "/api/v1/orders/{id}", "/api/v1/carts/{id}/items", "/api/v1/products", "/api/v1/users/{id}", "/healthz", "/api/v1/payments",
    ];

    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];

    private static readonly int[] Statuses = [200, 200, 200, 200, 201, 204, 404, 500];

    /// <summary>
    /// <paramref name="count"/> distinct requests of <paramref name="spansPerRequest"/> spans, already encoded so that
    /// sending them costs the generator almost nothing.
    /// </summary>
    public static byte[][] Encode(int count, int spansPerRequest, int seed)
    {
        var random = new Random(seed);
        var requests = new byte[count][];
        long sequence = 0;
        for (int i = 0; i < count; i++)
        {
            requests[i] = Build(random, spansPerRequest, ref sequence).ToByteArray();
        }

        return requests;
    }

    private static ExportTraceServiceRequest Build(Random random, int spans, ref long sequence)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "load-generator", Version = "1.0.0" } };
        ulong now = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
        ByteString traceId = ByteString.Empty;
        ByteString rootId = ByteString.Empty;
        for (int i = 0; i < spans; i++)
        {
            bool root = i % SpansPerTrace == 0;
            if (root)
            {
                traceId = RandomBytes(random, 16);
            }

            ByteString spanId = RandomBytes(random, 8);
            int route = random.Next(Routes.Length);
            string method = Methods[random.Next(Methods.Length)];
            int status = Statuses[random.Next(Statuses.Length)];
            ulong start = now + (ulong)random.Next(1_000_000, 50_000_000);
            var span = new Span
            {
                TraceId = traceId,
                SpanId = spanId,
                ParentSpanId = root ? ByteString.Empty : rootId,
                Name = $"{method} {Routes[route]}",
                Kind = root ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Client,
                StartTimeUnixNano = start,
                EndTimeUnixNano = start + (ulong)random.Next(100_000, 20_000_000),
                Status = new Status { Code = status >= 500 ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
            };
            span.Attributes.Add(
            [
                Text("http.request.method", method),
                Text("http.route", Routes[route]),
                Text("url.path", Routes[route].Replace("{id}", random.Next(1, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
                Number("http.response.status_code", status),
                Text("server.address", "shop-backend.shop.svc.cluster.local"),
                Number("server.port", 8080),
                Text("network.protocol.version", "1.1"),
                Text("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"),
                Number("load_generator.span_seq_num", sequence++),
                Number("load_generator.trace_seq_num", sequence / SpansPerTrace),
            ]);
            scope.Spans.Add(span);
            if (root)
            {
                rootId = spanId;
            }
        }

        var resource = new ResourceSpans
        {
            Resource = new Resource
            {
                Attributes =
                {
                    Text("service.name", "shop-backend"),
                    Text("service.namespace", "shop"),
                    Text("service.instance.id", "5f0c7c2e-1f4b-4d7a-9a0e-3c2b1d4e5f60"),
                    Text("host.name", "node-1"),
                },
            },
        };
        resource.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resource);
        return request;
    }

    private static ByteString RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }
}
