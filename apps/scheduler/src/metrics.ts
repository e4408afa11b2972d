/**
 * Prometheus metrics of the scheduler. Sweeps, trials, workers, queues and Redis are read at
 * scrape time (so every replica reports the same cluster, leader or not); suggestion times are
 * observed as they happen. Names and units follow Prometheus's conventions (`_seconds`,
 * `_total`, base units); docs/OPERATIONS.md lists them, ops/prometheus/alerts.yml alerts on them.
 */
import { SWEEP_STATES, TRIAL_STATES } from '@rung/shared';
import type { Store } from '@rung/store';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface SchedulerMetrics {
  registry: Registry;
  observeSuggest(sampler: string, ms: number): void;
}

/** What the scheduler's metrics read besides the store. */
export interface MetricSources {
  /** Jobs by queue and state (waiting, active, delayed): the queues' depth. */
  queueDepth?(): Promise<{ queue: string; state: string; jobs: number }[]>;
  /** One Redis round trip (PING). */
  ping?(): Promise<unknown>;
  /** Whether this replica leads the scheduling now. */
  isLeader?(): boolean;
  /** @defaultValue Date.now */
  clock?: () => number;
}

export function createSchedulerMetrics(
  store: Store,
  sources: MetricSources = {},
): SchedulerMetrics {
  const clock = sources.clock ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rung_scheduler_' });
  const suggest = new Histogram({
    name: 'rung_suggest_seconds',
    help: 'Time a sampler took to suggest one trial',
    labelNames: ['sampler'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.3, 1, 3],
    registers: [registry],
  });
  new Gauge({
    name: 'rung_sweeps',
    help: 'Sweeps by state',
    labelNames: ['state'],
    registers: [registry],
    collect: readsStore(async function (this: Gauge) {
      this.reset();
      for (const state of SWEEP_STATES) this.set({ state }, 0);
      for (const id of await store.listSweepIds()) {
        const status = await store.sweepStatus(id);
        if (status) this.inc({ state: status.state });
      }
    }),
  });
  const lastEvent = new Gauge({
    name: 'rung_sweep_last_event_timestamp_seconds',
    help: 'When a live sweep last changed (its event log), in Unix seconds: a stalled sweep stops moving',
    labelNames: ['sweep'],
    registers: [registry],
  });
  new Gauge({
    name: 'rung_trials',
    help: 'Trials of live (running or paused) sweeps, by sweep and state',
    labelNames: ['sweep', 'state'],
    registers: [registry],
    collect: readsStore(async function (this: Gauge) {
      this.reset();
      lastEvent.reset();
      for (const sweep of await store.liveSweepIds()) {
        const status = await store.sweepStatus(sweep);
        if (!status) continue;
        for (const state of TRIAL_STATES) this.set({ sweep, state }, status.counts[state]);
        // A stream entry's id starts with its time in ms.
        const last = await store.lastEventId(sweep);
        lastEvent.set({ sweep }, Number(last.split('-')[0]) / 1000);
      }
    }),
  });
  const slots = new Gauge({
    name: 'rung_cluster_slots',
    help: 'Slots of the live workers (a GPU each, or CPU slots), by state (busy, free)',
    labelNames: ['state'],
    registers: [registry],
  });
  new Gauge({
    name: 'rung_cluster_workers',
    help: 'Workers whose heartbeat is fresh',
    registers: [registry],
    collect: readsStore(async function (this: Gauge) {
      const workers = await store.liveWorkers(clock());
      this.set(workers.length);
      const total = workers.reduce((n, w) => n + w.slots, 0);
      const busy = workers.reduce((n, w) => n + Math.min(w.busy, w.slots), 0);
      slots.set({ state: 'busy' }, busy);
      slots.set({ state: 'free' }, total - busy);
    }),
  });
  if (sources.queueDepth) {
    const queueDepth = sources.queueDepth;
    new Gauge({
      name: 'rung_queue_jobs',
      help: 'Trial jobs on the queues, by queue and state (waiting, active, delayed)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      collect: readsStore(async function (this: Gauge) {
        this.reset();
        for (const { queue, state, jobs } of await queueDepth()) this.set({ queue, state }, jobs);
      }),
    });
  }
  if (sources.ping) {
    const ping = sources.ping;
    const roundTrip = new Gauge({
      name: 'rung_redis_roundtrip_seconds',
      help: 'One Redis round trip (PING) at scrape time',
      registers: [registry],
    });
    new Gauge({
      name: 'rung_redis_up',
      help: '1 when the scheduler reaches Redis, else 0',
      registers: [registry],
      async collect() {
        const start = performance.now();
        try {
          await ping();
          roundTrip.set((performance.now() - start) / 1000);
          this.set(1);
        } catch {
          this.set(0);
        }
      },
    });
  }
  if (sources.isLeader) {
    const isLeader = sources.isLeader;
    new Gauge({
      name: 'rung_scheduler_leader',
      help: '1 on the replica that leads the scheduling, else 0',
      registers: [registry],
      collect() {
        this.set(isLeader() ? 1 : 0);
      },
    });
  }
  return {
    registry,
    observeSuggest: (sampler, ms) => suggest.observe({ sampler }, ms / 1000),
  };
}

/**
 * A gauge's collect that reads Redis: while Redis is away it leaves the gauge empty rather than
 * failing the whole scrape, so `rung_redis_up 0` still reaches Prometheus.
 */
function readsStore(collect: (this: Gauge) => Promise<void>) {
  return async function (this: Gauge): Promise<void> {
    try {
      await collect.call(this);
    } catch {
      this.reset();
    }
  };
}
