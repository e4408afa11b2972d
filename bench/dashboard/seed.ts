/**
 * A finished sweep for the dashboard benchmark, written through the store's own scripts (so the
 * records are what a real sweep leaves): `trials` random configurations of the lc-mlp
 * learning-curve family (bench/prune/objectives/lc-mlp.mjs), each reporting val_loss every step; a share
 * of them pruned part-way with a median-rule reason, the rest run to `steps`.
 */
import type { ParameterSpecs, PruneReason } from '@rung/search';
import type { SweepSpec } from '@rung/shared';
import type { RedisStore } from '@rung/store';

export interface CurveFamily {
  parameters: ParameterSpecs;
  curve(params: Record<string, number>, step: number, seed?: number): number;
}

export interface SeedOptions {
  trials: number;
  steps: number;
  /** Share of the trials pruned, each at a step between 10% and 80% of `steps`. */
  prunedShare: number;
  /** Trials written at once (pipelined on one connection). */
  batch?: number;
  onProgress?(done: number): void;
}

/** A seeded stream of uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function draw(spec: ParameterSpecs[string], u: number): number {
  const { min, max } = spec as { min: number; max: number };
  const d = (spec as { distribution: string }).distribution;
  if (d.includes('log')) return Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
  return min + u * (max - min);
}

export function benchSpec(family: CurveFamily, trials: number): SweepSpec {
  return {
    name: 'dashboard-bench',
    method: 'random',
    metric: { name: 'val_loss', goal: 'minimize' },
    parameters: family.parameters,
    pruner: { type: 'median', startup_trials: 5, warmup_steps: 0, interval_steps: 1, min_peers: 1 },
    trainer: { name: 'sleep', options: {} },
    parallelism: 64,
    run_cap: trials,
    seed: 1,
  };
}

/** Writes the sweep's trials; returns how many reports it stored. */
export async function seedSweep(
  store: RedisStore,
  sweepId: string,
  family: CurveFamily,
  opts: SeedOptions,
): Promise<{ reports: number; pruned: number }> {
  const random = rng(7);
  const batch = opts.batch ?? 250;
  const metric = { name: 'val_loss', goal: 'minimize' } as const;
  const names = Object.keys(family.parameters);
  let reports = 0;
  let pruned = 0;
  for (let from = 0; from < opts.trials; from += batch) {
    const numbers = Array.from({ length: Math.min(batch, opts.trials - from) }, (_, i) => from + i);
    const now = Date.now();
    const params = numbers.map(() =>
      Object.fromEntries(names.map((n) => [n, draw(family.parameters[n]!, random())])),
    );
    const cutAt = numbers.map(() =>
      random() < opts.prunedShare ? Math.round(opts.steps * (0.1 + 0.7 * random())) : opts.steps,
    );
    await Promise.all(
      numbers.map((number, i) =>
        store.createTrial(sweepId, { number, params: params[i]!, point: [], now, fence: 0 }),
      ),
    );
    const starts = await Promise.all(
      numbers.map((number) =>
        store.startTrial(sweepId, number, { workerId: 'seed', jobId: `seed-${number}`, now }),
      ),
    );
    const curves = numbers.map((_n, i) =>
      Array.from({ length: cutAt[i]! }, (_, s) => family.curve(params[i]!, s + 1, 0)),
    );
    const writes: Promise<unknown>[] = [];
    numbers.forEach((number, i) => {
      const start = starts[i]!;
      if (!start.ok) throw new Error(`seed: trial ${number} not started (${start.state})`);
      curves[i]!.forEach((value, s) => {
        writes.push(
          store.report(
            sweepId,
            number,
            start.attempt,
            { step: s + 1, metrics: { val_loss: value }, at: now + s },
            { metric },
          ),
        );
      });
    });
    await Promise.all(writes);
    reports += writes.length;
    await Promise.all(
      numbers.map((number, i) => {
        const curve = curves[i]!;
        const value = curve.at(-1)!;
        const cut = cutAt[i]! < opts.steps;
        if (cut) pruned++;
        const reason: PruneReason = {
          rule: 'median',
          step: curve.length,
          value,
          cutoff: value * 0.9,
          population: 50,
          rank: 40,
        };
        return store.finishTrial(sweepId, number, (starts[i] as { attempt: number }).attempt, {
          state: cut ? 'pruned' : 'completed',
          value,
          now: now + curve.length,
          ...(cut && { pruneReason: reason }),
          curve: curve.map((loss, s) => ({ step: s + 1, loss })),
        });
      }),
    );
    opts.onProgress?.(from + numbers.length);
  }
  return { reports, pruned };
}
