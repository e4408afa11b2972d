import { formatDuration, formatNumber, formatPruneReason } from '@rung/shared/format';
import { describe, expect, it } from 'vitest';
import { formatParams, redactUrl, truncate } from '../../src/render/format.js';
import { LiveFrame } from '../../src/render/live-frame.js';
import {
  progressKey,
  progressLine,
  progressLines,
  summaryLine,
  trialsPerMinute,
} from '../../src/render/progress.js';
import {
  leaderboardTable,
  sweepDetails,
  sweepsTable,
  trialsTable,
} from '../../src/render/sweep-views.js';
import { renderTable } from '../../src/render/table.js';
import { makeSweep, makeTrial } from './support/fixtures.js';

describe('format', () => {
  it('prints numbers with 4 significant digits, exponents for extremes', () => {
    expect(formatNumber(0.0031234)).toBe('0.003123');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
    expect(formatNumber(2e-6)).toBe('2e-6');
    expect(formatNumber(undefined)).toBe('-');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('prints durations', () => {
    expect(formatDuration(999)).toBe('0s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(187_000)).toBe('3m 07s');
    expect(formatDuration(7_500_000)).toBe('2h 05m');
  });

  it('prints params on one line, nested ones dotted', () => {
    expect(formatParams({ lr: 0.0031234, opt: { name: 'adam', beta: 0.9 }, bn: true })).toBe(
      'lr=0.003123 opt.name=adam opt.beta=0.9 bn=true',
    );
  });

  it('prints prune reasons in the metric’s own orientation', () => {
    const reason = { rule: 'median', step: 3, value: 0.62, cutoff: 0.48, population: 5, rank: 4 };
    expect(formatPruneReason(reason, 'minimize')).toBe('median: 0.62 > 0.48 @ step 3 (n=5)');
    // Losses of a maximized metric are negated values: -0.61 (loss) is an accuracy of 0.61.
    const acc = { ...reason, value: -0.61, cutoff: -0.72 };
    expect(formatPruneReason(acc, 'maximize')).toBe('median: 0.61 < 0.72 @ step 3 (n=5)');
    const rung = { ...reason, rule: 'asha', rung: 4, step: 4, rank: 7, population: 12 };
    expect(formatPruneReason(rung, 'minimize')).toBe('asha: 0.62 > 0.48 @ rung 4, rank 7 of 12');
  });

  it('truncates and redacts', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(redactUrl('redis://user:secret@h:6379')).toBe('redis://user:***@h:6379');
    expect(redactUrl('redis://127.0.0.1:1234')).toBe('redis://127.0.0.1:1234');
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell, right-aligns numbers, leaves the last unpadded', () => {
    const lines = renderTable(
      [{ header: 'ID' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
      [
        ['a', '1', 'x'],
        ['long-id', '100', ''],
      ],
    );
    expect(lines).toEqual(['ID         N  NOTE', 'a          1  x', 'long-id  100']);
  });
});

describe('progress', () => {
  const sweep = makeSweep({
    counts: { completed: 8, running: 3, pruned: 3, failed: 1, queued: 1 },
    best: { trialId: 'sw-1-7', number: 7, value: 0.041234, params: { lr: 0.003, layers: 2 } },
  });
  const trials = [
    makeTrial({
      number: 13,
      state: 'running',
      reports: [{ step: 4, metrics: { val_loss: 0.52 }, at: 0 }],
    }),
    makeTrial({ number: 14, state: 'running', reports: [] }),
    makeTrial({ number: 2, state: 'completed', value: 0.1 }),
  ];

  it('draws the terminal view: header, counts of the cap with a bar and rate, best, running', () => {
    expect(progressLines(sweep, trials, 90_000)).toEqual([
      'mnist-mlp (sw-1) · tpe · running · 1m 30s · 8 trials/min',
      '[######....] 12/20 trials · 8 done · 3 running · 3 pruned · 1 failed · 1 queued',
      'best val_loss 0.04123 (trial #7: lr=0.003 layers=2)',
      'running #13 step 4 val_loss=0.52 · #14 starting',
    ]);
  });

  it('has no bar or cap without run_cap, and says when there is no best yet', () => {
    const uncapped = makeSweep({
      spec: { ...sweep.spec, run_cap: undefined },
      counts: { running: 2 },
    });
    const lines = progressLines(uncapped, [], 500);
    expect(lines[0]).toBe('mnist-mlp (sw-1) · tpe · running · 0s · - trials/min');
    expect(lines[1]).toBe('0 trials · 0 done · 2 running · 0 pruned · 0 failed');
    expect(lines[2]).toBe('best val_loss - (no completed trial yet)');
    expect(lines).toHaveLength(3);
  });

  it('prints one plain line for non-terminals', () => {
    expect(progressLine(sweep, 65_000)).toBe(
      '[1m 05s] 12/20 trials: 8 done, 3 running, 3 pruned, 1 failed, 1 queued · best 0.04123 (#7)',
    );
  });

  it('keys lines on counts, best and state, not on the clock', () => {
    const same = makeSweep({ ...sweep, counts: { ...sweep.counts } });
    expect(progressKey(same)).toBe(progressKey(sweep));
    expect(
      progressKey(makeSweep({ ...sweep, counts: { ...sweep.counts, completed: 9 } })),
    ).not.toBe(progressKey(sweep));
    expect(progressKey(makeSweep({ ...sweep, state: 'completed' }))).not.toBe(progressKey(sweep));
  });

  it('computes the rate from finished trials', () => {
    expect(trialsPerMinute(sweep, 60_000)).toBe('12');
    expect(trialsPerMinute(sweep, 40_000)).toBe('18');
  });

  it('sums up a finished sweep', () => {
    const done = makeSweep({
      state: 'completed',
      stopReason: 'run_cap',
      counts: { completed: 15, pruned: 4, failed: 1 },
    });
    expect(summaryLine(done, 187_000)).toBe(
      'Sweep sw-1 completed (run_cap) after 3m 07s: 15 done, 4 pruned, 1 failed',
    );
  });
});

describe('LiveFrame', () => {
  it('draws, then climbs back over its own lines and clears before redrawing', () => {
    let written = '';
    const frame = new LiveFrame({ write: (s: string) => (written += s) }, () => 10);
    frame.draw(['one', 'a line longer than ten']);
    expect(written).toBe('one\na line l…\n');
    written = '';
    frame.draw(['two']);
    expect(written).toBe('\r\x1b[2A\x1b[0Jtwo\n');
    frame.release();
    written = '';
    frame.draw(['three']);
    // After release the old frame stays: nothing is climbed over.
    expect(written).toBe('three\n');
  });
});

describe('sweep views', () => {
  it('lists sweeps newest first with counts and best', () => {
    const older = makeSweep({
      id: 'sw-0',
      createdAt: 1,
      state: 'completed',
      counts: { completed: 20 },
      best: { trialId: 't', number: 3, value: 0.5, params: {} },
    });
    const newer = makeSweep({
      id: 'sw-2',
      name: undefined,
      spec: { ...makeSweep().spec, name: undefined },
      createdAt: 2,
      counts: { running: 2, pruned: 1 },
    });
    expect(sweepsTable([older, newer])).toEqual([
      'ID    NAME       STATE      SAMPLER  TRIALS  DONE  RUNNING  PRUNED  FAILED  BEST',
      'sw-2  -          running    tpe        1/20     0        2       1       0  -',
      'sw-0  mnist-mlp  completed  tpe       20/20    20        0       0       0  0.5 (#3)',
    ]);
    expect(sweepsTable([])[0]).toContain('No sweeps yet');
  });

  it('shows a trial table with last step, worker, backend and prune reason', () => {
    const sweep = makeSweep();
    const lines = trialsTable(
      [
        makeTrial({
          number: 1,
          state: 'pruned',
          value: 0.62,
          reports: [{ step: 3, metrics: { val_loss: 0.62 }, at: 0 }],
          pruneReason: {
            rule: 'median',
            step: 3,
            value: 0.62,
            cutoff: 0.48,
            population: 5,
            rank: 5,
          },
          workerId: 'worker-1',
          backend: 'tfjs-node',
        }),
        makeTrial({
          number: 0,
          value: 0.25,
          reports: [{ step: 10, metrics: {}, at: 0 }],
          workerId: 'worker-2',
          backend: 'cpu',
        }),
        makeTrial({
          number: 2,
          state: 'running',
          reports: [{ step: 2, metrics: { val_loss: 0.9 }, at: 0 }],
          attempt: 2,
        }),
        makeTrial({ number: 3, state: 'failed', error: 'trainer crashed\n  at stack' }),
      ],
      sweep,
    );
    expect(lines).toEqual([
      '#  STATE      VALUE  STEP  WORKER    BACKEND    NOTE',
      '0  completed   0.25    10  worker-2  cpu',
      '1  pruned      0.62     3  worker-1  tfjs-node  median: 0.62 > 0.48 @ step 3 (n=5)',
      '2  running      0.9     2  -         -          attempt 2',
      '3  failed         -     -  -         -          trainer crashed',
    ]);
  });

  it('details a sweep: sampler resolution, pruner, budget, counts, best, warnings', () => {
    const sweep = makeSweep({
      state: 'completed',
      stopReason: 'run_cap',
      counts: { completed: 18, pruned: 2 },
      best: { trialId: 'sw-1-4', number: 4, value: 0.03, params: { lr: 0.01 } },
      warnings: [{ path: 'early_terminate.s', message: 'ignored' }],
      finishedAt: Date.UTC(2025, 0, 2, 3, 7, 12),
    });
    const text = sweepDetails(sweep, Date.UTC(2025, 0, 2, 3, 10, 5)).join('\n');
    expect(text).toContain('Sweep     sw-1 (mnist-mlp)');
    expect(text).toContain('State     completed (run_cap)');
    expect(text).toContain('Sampler   tpe (method bayes)');
    expect(text).toContain('Pruner    median (startup_trials 5');
    expect(text).toContain('Budget    run_cap 20, parallelism 4, seed 7');
    expect(text).toContain('Trials    20 created: 18 completed, 2 pruned');
    expect(text).toContain('Compute   120 of 400 steps run (70% saved by early stopping)');
    expect(text).toContain('Best      0.03 (trial #4) lr=0.01');
    expect(text).toContain('Created   2025-01-02 03:04:05Z (6m 00s ago)');
    expect(text).toContain('Finished  2025-01-02 03:07:12Z (after 3m 07s)');
    expect(text).toContain('warning: early_terminate.s: ignored');
  });

  it('ranks the leaderboard with compact params', () => {
    const lines = leaderboardTable({
      metric: { name: 'accuracy', goal: 'maximize' },
      trials: [
        {
          rank: 1,
          trialId: 'a',
          number: 12,
          value: 0.98123,
          params: { lr: 0.001, act: 'relu' },
          state: 'completed',
        },
        {
          rank: 2,
          trialId: 'b',
          number: 3,
          value: 0.9,
          params: { lr: 0.1, act: 'tanh' },
          state: 'pruned',
        },
      ],
    });
    expect(lines).toEqual([
      'Leaderboard: accuracy (maximize)',
      'RANK  TRIAL   VALUE  STATE      PARAMS',
      '   1    #12  0.9812  completed  lr=0.001 act=relu',
      '   2     #3     0.9  pruned     lr=0.1 act=tanh',
    ]);
  });
});
