/** Prometheus metrics of the scheduler; sweep and trial gauges are read from the store at scrape time. */
import { SWEEP_STATES, TRIAL_STATES } from '@rung/shared';
import type { Store } from '@rung/store';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface SchedulerMetrics {
  registry: Registry;
  observeSuggest(sampler: string, ms: number): void;
}

export function createSchedulerMetrics(store: Store): SchedulerMetrics {
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
      for (const state of SWEEP_STATES) this.set({ state }, 0);
      for (const id of await store.listSweepIds()) {
        const status = await store.sweepStatus(id);
        if (status) this.inc({ state: status.state });
      }
    },
  });
  new Gauge({
    name: 'rung_trials',
    help: 'Trials of live (running or paused) sweeps by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of TRIAL_STATES) this.set({ state }, 0);
      for (const id of await store.liveSweepIds()) {
        const status = await store.sweepStatus(id);
        if (!status) continue;
        for (const state of TRIAL_STATES) this.inc({ state }, status.counts[state]);
      }
    },
  });
  return {
    registry,
    observeSuggest: (sampler, ms) => suggest.observe({ sampler }, ms / 1000),
  };
}
