/**
 * The chaos suite at CI size (a sweep of 40 trials, a kill every 2–4 s). `npm run test:chaos`
 * runs it at full size: RUNG_CHAOS_TRIALS (120) trials, RUNG_CHAOS_ROUNDS (10) sweeps in a row,
 * each under another seed.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, summary } from './chaos-harness.js';

const TRIALS = Number(process.env.RUNG_CHAOS_TRIALS ?? 40);
const ROUNDS = Number(process.env.RUNG_CHAOS_ROUNDS ?? 1);
const SEED = Number(process.env.RUNG_CHAOS_SEED ?? 7);

describe('chaos: kill -9 of workers, the leader and redis-server during a sweep', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(
      `round ${round + 1}: ${TRIALS} trials end exactly once, none lost, counts true`,
      async () => {
        const report = await runChaos({
          trials: TRIALS,
          workers: 3,
          seed: SEED + round,
          killEveryMs: [2000, 4000],
          log: (line) => console.log(line),
        });
        console.log(
          [
            `chaos round ${round + 1} (seed ${SEED + round}): ${report.trials} trials in ${report.seconds} s`,
            `  kills survived: ${report.kills.worker} workers, ${report.kills.scheduler} schedulers, ${report.kills.redis} redis-servers`,
            `  retries ${report.retries}, lost ${report.lost}, double-counted ${report.doubleCounted}, states ${JSON.stringify(report.states)}`,
            `  worker kill → trial running again: ${summary(report.workerRecoveryMs)}`,
            `  scheduler restart → trial created: ${summary(report.schedulerRecoveryMs)}`,
            `  redis restart → trial finished: ${summary(report.redisRecoveryMs)}`,
          ].join('\n'),
        );
        expect(report.problems).toEqual([]);
        expect(report.lost).toBe(0);
        expect(report.doubleCounted).toBe(0);
        expect(report.kills.worker + report.kills.scheduler + report.kills.redis).toBeGreaterThan(
          0,
        );
      },
      30 * 60_000,
    );
  }
});
