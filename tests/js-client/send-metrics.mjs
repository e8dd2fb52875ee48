// Records a counter and a histogram with the real OpenTelemetry JS SDK and exports them once over OTLP/HTTP JSON
// to the URL given as the first argument; the instance id is the second. Prints the export result as JSON.
import { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

const [url, instance] = process.argv.slice(2);
if (!url || !instance) {
  console.error('usage: node send-metrics.mjs <otlp-http-metrics-url> <service.instance.id>');
  process.exit(2);
}

const exporter = new OTLPMetricExporter({ url, temporalityPreference: AggregationTemporality.CUMULATIVE });
let result = null;
const reporting = {
  export: (metrics, done) => exporter.export(metrics, (outcome) => {
    result = outcome;
    done(outcome);
  }),
  forceFlush: () => exporter.forceFlush(),
  shutdown: () => exporter.shutdown(),
  selectAggregationTemporality: (kind) => exporter.selectAggregationTemporality(kind),
};

// A long interval: the one export is the forced flush below.
const reader = new PeriodicExportingMetricReader({ exporter: reporting, exportIntervalMillis: 600000 });
const provider = new MeterProvider({
  resource: resourceFromAttributes({ 'service.name': 'cart', 'service.namespace': 'shop', 'service.instance.id': instance }),
  readers: [reader],
});
const meter = provider.getMeter('shop.cart', '2.0.0');
const added = meter.createCounter('items.added', { unit: '{item}' });
const latency = meter.createHistogram('request.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });

added.add(5, { region: 'us' });
for (const seconds of [0.05, 0.3, 0.4, 0.7]) {
  latency.record(seconds);
}

await provider.forceFlush();
await provider.shutdown();
console.log(JSON.stringify({ code: result?.code ?? -1, error: result?.error ? String(result.error) : null }));
process.exit(result?.code === 0 ? 0 : 1);
