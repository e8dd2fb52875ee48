// Sends a small trace with the real OpenTelemetry JS SDK over OTLP/HTTP JSON to the URL given as the first
// argument, then prints the spans it sent (ids, names, kinds) as JSON so a test can compare what arrived.
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

const url = process.argv[2];
if (!url) {
  console.error('usage: node send-spans.mjs <otlp-http-traces-url>');
  process.exit(2);
}

const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'js-client', 'service.namespace': 'tests' }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('agent-js-test', '1.2.3');

// Fixed times, so the test knows exactly which nanoseconds must arrive.
const base = 1700000000;
const parent = tracer.startSpan('GET /orders', {
  kind: SpanKind.SERVER,
  startTime: [base, 123456789],
  attributes: { 'http.method': 'GET', 'http.status_code': 200, 'retry.ratio': 0.5, 'cache.hit': true, tags: ['a', 'b'] },
});
const child = tracer.startSpan(
  'SELECT orders',
  {
    kind: SpanKind.CLIENT,
    startTime: [base + 1, 0],
    attributes: { 'db.system': 'postgresql' },
    links: [{ context: parent.spanContext(), attributes: { 'link.kind': 'follows' } }],
  },
  trace.setSpan(context.active(), parent),
);
child.addEvent('rows fetched', { 'rows': 42 }, [base + 1, 500]);
child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
child.end([base + 2, 999999999]);
parent.setStatus({ code: SpanStatusCode.OK });
parent.end([base + 3, 1]);

const exporter = new OTLPTraceExporter({ url });
const spans = memory.getFinishedSpans();
exporter.export(spans, (result) => {
  const sent = spans.map((s) => ({
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    // The JS API numbers kinds from INTERNAL = 0; OTLP from UNSPECIFIED = 0, so the wire value is one more.
    kind: s.kind + 1,
  }));
  console.log(JSON.stringify({ code: result.code, error: result.error ? String(result.error) : null, spans: sent }));
  exporter.shutdown().finally(() => process.exit(result.code === 0 ? 0 : 1));
});
