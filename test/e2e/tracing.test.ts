/**
 * OpenTelemetry across the three processes of a trial: a real cluster started with the standard
 * `OTEL_EXPORTER_OTLP_ENDPOINT` exports its spans over OTLP/HTTP to an endpoint this test serves
 * (the OTLP/HTTP JSON protocol, as a collector or Jaeger receives it). A trial's spans form one
 * trace, parent-linked: the scheduler's `trial.queued` → the worker's `trial.run` → its
 * `trial.report`s and the trial process's `trial.train`; the worker's log lines carry the trace id.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SweepView } from '@rung/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../../packages/store/src/local-redis-server.js';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}

const otlpValue = (v: OtlpValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));

const spans: ReceivedSpan[] = [];
const contentTypes = new Set<string>();
let receiver: Server;
let cluster: TestCluster;

beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      contentTypes.add(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const payload = JSON.parse(body.toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: OtlpKeyValue[] };
          scopeSpans: {
            spans: {
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              name: string;
              attributes?: OtlpKeyValue[];
            }[];
          }[];
        }[];
      };
      for (const rs of payload.resourceSpans) {
        const service = String(
          otlpValue(rs.resource.attributes.find((a) => a.key === 'service.name')!.value),
        );
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId && { parentSpanId: s.parentSpanId }),
              name: s.name,
              attributes: Object.fromEntries(
                (s.attributes ?? []).map((a) => [a.key, otlpValue(a.value)]),
              ),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
  cluster = await startCluster(inject('redisUrl'), {
    workers: 1,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
  });
});

afterAll(async () => {
  await cluster?.stop();
  await new Promise((r) => receiver?.close(r));
});

describe('traces of a trial', () => {
  it('arrive at the OTLP endpoint, one trace per trial, parent-linked across three processes', async () => {
    const sweep = await cluster.submit(`
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  learning_rate: { values: [0.05] }
  hidden_units: { values: [16, 32] }
trainer: { name: mlp, options: { epochs: 3 } }
parallelism: 1
`);
    await waitFor<SweepView>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state === 'completed',
      120_000,
      cluster.logs,
    );
    const trialId = `${sweep.id}-0`;
    // Batches leave each process within a second or two.
    const deadline = Date.now() + 20_000;
    const ofTrial = () =>
      spans.filter(
        (s) =>
          s.attributes['rung.trial.id'] === trialId ||
          (s.name === 'trial.report' && s.traceId === runOf()?.traceId),
      );
    const runOf = () =>
      spans.find((s) => s.name === 'trial.run' && s.attributes['rung.trial.id'] === trialId);
    while (Date.now() < deadline) {
      const names = ofTrial().map((s) => s.name);
      if (
        ['trial.queued', 'trial.run', 'trial.train'].every((n) => names.includes(n)) &&
        names.filter((n) => n === 'trial.report').length >= 3
      )
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([...contentTypes].every((c) => c.startsWith('POST /v1/traces application/json'))).toBe(
      true,
    );

    const queued = spans.find(
      (s) => s.name === 'trial.queued' && s.attributes['rung.trial.id'] === trialId,
    );
    const run = runOf();
    const train = spans.find(
      (s) => s.name === 'trial.train' && s.attributes['rung.trial.id'] === trialId,
    );
    expect(queued, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    expect(run).toBeDefined();
    expect(train).toBeDefined();
    expect([queued!.service, run!.service, train!.service]).toEqual([
      'rung-scheduler',
      'rung-worker',
      'rung-trial',
    ]);
    // One trace, each span the child of the one before, across the three processes.
    expect(queued!.parentSpanId).toBeUndefined();
    expect(run!.traceId).toBe(queued!.traceId);
    expect(run!.parentSpanId).toBe(queued!.spanId);
    expect(train!.traceId).toBe(queued!.traceId);
    expect(train!.parentSpanId).toBe(run!.spanId);
    expect(train!.attributes['rung.reports']).toBe(3);
    const reports = spans.filter((s) => s.name === 'trial.report' && s.traceId === queued!.traceId);
    expect(reports.map((s) => s.attributes['rung.step']).sort()).toEqual([1, 2, 3]);
    expect(
      reports.every(
        (s) => s.parentSpanId === run!.spanId && s.attributes['rung.decision'] === 'continue',
      ),
    ).toBe(true);
    expect(run!.attributes['rung.trial.result']).toBe('completed');
    // The other trial has a trace of its own.
    const other = spans.find(
      (s) => s.name === 'trial.run' && s.attributes['rung.trial.id'] === `${sweep.id}-1`,
    );
    expect(other?.traceId).toBeDefined();
    expect(other!.traceId).not.toBe(queued!.traceId);

    // A log search for the trace id finds the worker's lines about this trial.
    const lines = cluster
      .logs()
      .split('\n')
      .filter((l) => l.includes(`"traceId":"${queued!.traceId}"`));
    expect(lines.some((l) => l.includes('trial completed') && l.includes(trialId))).toBe(true);
  });

  it('go to Jaeger in docker-compose, from the scheduler and the workers', () => {
    const compose = parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'docker-compose.yml'), 'utf8'),
    ) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(compose.services.jaeger?.environment?.COLLECTOR_OTLP_ENABLED).toBe('true');
    for (const service of ['scheduler', 'gpu-worker']) {
      expect(compose.services[service]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, service).toBe(
        'http://jaeger:4318',
      );
    }
  });
});
