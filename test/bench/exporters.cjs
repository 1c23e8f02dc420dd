// Exporters that count and drop: the variants pay for building and batching
// telemetry, never for a network, and keep nothing that would grow the heap.
'use strict';

const SUCCESS = { code: 0 };

function countingSpanExporter() {
  const exporter = {
    exported: 0,
    export(spans, done) {
      exporter.exported += spans.length;
      done(SUCCESS);
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  return exporter;
}

function countingMetricExporter() {
  const exporter = {
    exported: 0,
    export(resourceMetrics, done) {
      for (const scope of resourceMetrics.scopeMetrics) exporter.exported += scope.metrics.length;
      done(SUCCESS);
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  return exporter;
}

module.exports = { countingSpanExporter, countingMetricExporter };
