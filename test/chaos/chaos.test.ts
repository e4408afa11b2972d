/**
 * The chaos suite at CI size (a sweep of 40 one-second trials, a fault every 1–2.5 s). `npm run test:chaos`
 * runs it at full size: RUNG_CHAOS_TRIALS (120) trials, RUNG_CHAOS_ROUNDS (10) sweeps in a row,
 * each under another seed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type ChaosReport, runChaos, summary } from './chaos-harness.js';

const TRIALS = Number(process.env.RUNG_CHAOS_TRIALS ?? 40);
const ROUNDS = Number(process.env.RUNG_CHAOS_ROUNDS ?? 1);
const SEED = Number(process.env.RUNG_CHAOS_SEED ?? 7);

const reports: ChaosReport[] = [];
afterAll(() => {
  if (reports.length < 2) return;
  const all = (pick: (r: ChaosReport) => number[]) => reports.flatMap(pick);
  const total = (pick: (r: ChaosReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  console.log(
    [
      `chaos, all ${reports.length} rounds: ${total((r) => r.trials)} trials`,
      `  faults: ${['worker', 'scheduler', 'redis', 'slow', 'cut'].map((k) => `${k} ${total((r) => r.faults[k as keyof ChaosReport['faults']])}`).join(', ')}`,
      `  retries ${total((r) => r.retries)}, lost ${total((r) => r.lost)}, double-counted ${total((r) => r.doubleCounted)}`,
      `  worker kill → trial running again: ${summary(all((r) => r.workerRecoveryMs))}`,
      `  scheduler restart → trial created: ${summary(all((r) => r.schedulerRecoveryMs))}`,
      `  redis restart → trial finished: ${summary(all((r) => r.redisRecoveryMs))}`,
    ].join('\n'),
  );
});

describe('chaos: kill -9 of workers, the leader and redis-server, a bad network, during a sweep', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(
      `round ${round + 1}: ${TRIALS} trials end exactly once, none lost, counts true`,
      async () => {
        const report = await runChaos({
          trials: TRIALS,
          workers: 3,
          seed: SEED + round,
          faultEveryMs: [1000, 2500],
          log: (line) => console.log(line),
        });
        console.log(
          [
            `chaos round ${round + 1} (seed ${SEED + round}): ${report.trials} trials in ${report.seconds} s`,
            `  survived: kill -9 of ${report.faults.worker} workers, ${report.faults.scheduler} schedulers, ${report.faults.redis} redis-servers; ${report.faults.slow} slow spells and ${report.faults.cut} cuts of the network to Redis`,
            `  retries ${report.retries}, lost ${report.lost}, double-counted ${report.doubleCounted}, states ${JSON.stringify(report.states)}`,
            `  worker kill → trial running again: ${summary(report.workerRecoveryMs)}`,
            `  scheduler restart → trial created: ${summary(report.schedulerRecoveryMs)}`,
            `  redis restart → trial finished: ${summary(report.redisRecoveryMs)}`,
          ].join('\n'),
        );
        reports.push(report);
        expect(report.problems).toEqual([]);
        expect(report.lost).toBe(0);
        expect(report.doubleCounted).toBe(0);
        expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      },
      30 * 60_000,
    );
  }
});
