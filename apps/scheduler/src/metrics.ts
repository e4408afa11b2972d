/** Prometheus metrics of the scheduler; sweep and trial gauges are read from Redis at scrape time. */
import { TRIAL_STATES } from '@rung/shared';
import type { RungStore } from '@rung/store';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface SchedulerMetrics {
  registry: Registry;
  observeSuggest(sampler: string, ms: number): void;
}

export function createSchedulerMetrics(store: RungStore): SchedulerMetrics {
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
    async collect() {
      this.reset();
      for (const id of await store.sweepIds()) {
        const sweep = await store.getSweep(id);
        if (sweep) this.inc({ state: sweep.state });
      }
    },
  });
  new Gauge({
    name: 'rung_trials',
    help: 'Trials of running sweeps by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of TRIAL_STATES) this.set({ state }, 0);
      for (const id of await store.sweepIds()) {
        const sweep = await store.getSweep(id);
        if (sweep?.state !== 'running') continue;
        for (const state of TRIAL_STATES) this.inc({ state }, sweep.counts[state]);
      }
    },
  });
  return {
    registry,
    observeSuggest: (sampler, ms) => suggest.observe({ sampler }, ms / 1000),
  };
}
