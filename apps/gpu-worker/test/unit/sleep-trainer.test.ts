import { describe, expect, it } from 'vitest';
import { curveOf, parseSleepOptions, train } from '../../src/trainers/sleep/sleep-trainer.js';
import type { TrainerContext } from '../../src/trainers/trainer.js';

function context(options: Record<string, unknown>, signal = new AbortController().signal) {
  const reports: [number, Record<string, number>][] = [];
  const ctx: TrainerContext = {
    trialId: 'sw-test-0',
    report: (step, metrics) => reports.push([step, metrics]),
    signal,
    options,
    seed: 5,
    backend: 'none',
    log: () => undefined,
    checkpointDir: '/nonexistent/the-sleep-trainer-saves-none',
    checkpointSaved: () => undefined,
  };
  return { ctx, reports };
}

describe('the sleep trainer', () => {
  it('reports a decreasing curve every step, the same for the same parameters', async () => {
    const { ctx, reports } = context({ steps: 5, seconds_per_step: 0.01 });
    const started = performance.now();
    const result = await train({ x: 0.3, units: 64 }, ctx);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(reports.map(([s]) => s)).toEqual([1, 2, 3, 4, 5]);
    const values = reports.map(([, m]) => m.val_loss!);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]!);
    expect(result).toEqual(reports.at(-1)![1]);
    const again = context({ steps: 5, seconds_per_step: 0 });
    await train({ units: 64, x: 0.3 }, again.ctx);
    expect(again.reports).toEqual(reports);
  });

  it('puts numeric parameters near 0.5 lower', () => {
    const near = curveOf({ x: 0.5 }, 1).floor;
    const far = curveOf({ x: 5 }, 1).floor;
    expect(far - near).toBeGreaterThan(0.5);
  });

  it('stops at once when aborted', async () => {
    const abort = new AbortController();
    const { ctx, reports } = context({ steps: 100, seconds_per_step: 10 }, abort.signal);
    setTimeout(() => abort.abort(), 20);
    const started = performance.now();
    expect(await train({}, ctx)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(reports).toEqual([]);
  });

  it('refuses unknown or out-of-range options by name', () => {
    expect(() => parseSleepOptions({ step: 3 })).toThrow(/unknown option 'step'/);
    expect(() => parseSleepOptions({ steps: 0 })).toThrow(/steps must be an integer/);
    expect(() => parseSleepOptions({ seconds_per_step: -1 })).toThrow(/seconds_per_step/);
    expect(parseSleepOptions({ metric: 'accuracy' })).toEqual({
      steps: 10,
      seconds_per_step: 1,
      metric: 'accuracy',
    });
  });
});
