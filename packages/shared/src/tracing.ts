/**
 * OpenTelemetry traces of a trial's life, across the scheduler, the worker and the trial process.
 * Off unless the standard `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is set: then each
 * process exports its spans over OTLP/HTTP (JSON), batched, as service `OTEL_SERVICE_NAME` or its
 * own name. Off, every span is the API's no-op and costs nothing, and the SDK is not even loaded
 * (trial processes import this module: `@rung/shared/tracing`, free of the rest of the package).
 *
 * A trial's trace: `trial.queued` (scheduler: created and enqueued) → `trial.run` (worker, from
 * the job's `traceparent`) → `trial.report` for each report (the store round trip and the
 * rule's decision) and `trial.train` (the trial process, from the `traceparent` the worker hands
 * it). A retried or promoted trial starts a new trace; `rung.trial.id` finds them all.
 */
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  trace,
} from '@opentelemetry/api';

export interface Tracing {
  readonly enabled: boolean;
  /** Sends the spans still buffered (before a process exits, or hands its work on). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  enabled: false,
  flush: async () => {},
  shutdown: async () => {},
};

let started: Promise<Tracing> | undefined;

/** Whether the environment asks for traces (the OTLP exporter's standard variables). */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Starts exporting this process's spans when the environment asks for it (once per process). */
export function startTracing(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing> {
  if (!started) {
    started =
      tracingWanted(env) && env.OTEL_SDK_DISABLED !== 'true'
        ? startSdk(env.OTEL_SERVICE_NAME || service)
        : Promise.resolve(OFF);
  }
  return started;
}

async function startSdk(service: string): Promise<Tracing> {
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, otlp, resources, sdk] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace'),
    ]);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': service }),
    // Short batches: a trial process may be gone seconds after its last span.
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new otlp.OTLPTraceExporter(),
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export function tracer() {
  return trace.getTracer('rung');
}

/** The W3C `traceparent` of a span, to hand to another process (undefined when not traced). */
export function traceparentOf(span: Span): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier.traceparent;
}

/** `{ traceparent }` of a span, to spread into a message or a job (empty when not traced). */
export function traceparentField(span: Span): { traceparent?: string } {
  const traceparent = traceparentOf(span);
  return traceparent ? { traceparent } : {};
}

/** The context a `traceparent` from another process stands for (the root one without it). */
export function contextFrom(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** The ids of the active span, for log lines (empty when none is recording). */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  if (!ctx || !span?.isRecording()) return {};
  return { traceId: ctx.traceId, spanId: ctx.spanId };
}
