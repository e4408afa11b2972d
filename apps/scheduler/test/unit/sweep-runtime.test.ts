import type { SweepEvent, SweepSpec, Trial } from '@rung/shared';
import { describe, expect, it } from 'vitest';
import { SweepRuntime } from '../../src/index.js';

const spec: SweepSpec = {
  method: 'random',
  metric: { name: 'val_loss', goal: 'minimize', target: 0.1 },
  parameters: { x: { distribution: 'uniform', min: 0, max: 1 } },
  pruner: { type: 'none' },
  trainer: { name: 'mlp', options: {} },
  parallelism: 4,
  run_cap: 10,
  max_duration: 60,
  seed: 0,
};

const runtime = (sampler = 'tpe') =>
  new SweepRuntime({ id: 'sw-r', spec, sampler, createdAt: 1000, state: 'running' });

function trial(number: number, state: Trial['state'], value?: number): Trial {
  return {
    id: `sw-r-${number}`,
    sweepId: 'sw-r',
    number,
    state,
    params: { x: number / 10 },
    point: [number / 10],
    reports: [],
    attempt: state === 'queued' ? 0 : 1,
    createdAt: 0,
    ...(value === undefined ? {} : { value, lastStep: 3 }),
  };
}

let seq = 0;
function event(body: Record<string, unknown>, at = seq + 1): SweepEvent {
  seq = at;
  return { id: `${at}-0`, seq: at, at: 0, sweepId: 'sw-r', ...body } as SweepEvent;
}

describe('a sweep runtime', () => {
  it('is rebuilt from the records, then extended from the log without counting anything twice', () => {
    const r = runtime();
    r.rebuild([trial(0, 'completed', 0.5), trial(1, 'running'), trial(2, 'queued')], '5-0', false);
    expect([...r.pending.keys()]).toEqual([1, 2]);
    expect([...r.toEnqueue]).toEqual([2]);
    expect(r.best).toBe(0.5);
    expect(r.created).toBe(3);
    expect(r.takeUnsent()).toEqual({
      reset: true,
      finished: [{ number: 0, state: 'completed', point: [0], loss: 0.5, step: 3 }],
    });

    // Entries written between reading the log's position and the records: already counted.
    r.apply(event({ type: 'trial.created', number: 2, params: {}, point: [0.2] }, 6));
    r.apply(
      event({ type: 'trial.finished', number: 0, attempt: 1, state: 'completed', value: 0.5 }),
    );
    r.apply(event({ type: 'trial.created', number: 3, params: {}, point: [0.3] }));
    r.apply(
      event({
        type: 'trial.finished',
        number: 1,
        attempt: 1,
        state: 'pruned',
        value: 0.9,
        step: 2,
      }),
    );
    // The same entry again (the loop and a catch-up overlapped): ignored.
    r.apply(
      event(
        { type: 'trial.finished', number: 1, attempt: 1, state: 'pruned', value: 0.9, step: 2 },
        9,
      ),
    );
    expect([...r.pending.keys()]).toEqual([2, 3]);
    expect(r.created).toBe(4);
    expect(r.takeUnsent()).toEqual({
      reset: false,
      finished: [{ number: 1, state: 'pruned', point: [0.1], loss: 0.9, step: 2 }],
    });
    expect(r.position).toBe('9-0');
    expect(r.stale).toBe(false);
  });

  it('turns stale when the log skipped entries (trimmed before they were read)', () => {
    const r = runtime();
    r.rebuild([], '0-0', false);
    r.apply(event({ type: 'trial.created', number: 0, params: {}, point: [0] }, 1));
    r.apply(event({ type: 'trial.created', number: 1, params: {}, point: [0] }, 5));
    expect(r.stale).toBe(true);
  });

  it('knows its best value, target, deadline, demand and end from the log', () => {
    const r = runtime();
    r.rebuild([], '0-0', false);
    expect(r.demand()).toBe(4);
    r.apply(event({ type: 'trial.created', number: 0, params: {}, point: [0] }, 1));
    r.apply(
      event({ type: 'trial.finished', number: 0, attempt: 1, state: 'completed', value: 0.3 }),
    );
    expect(r.best).toBe(0.3);
    expect(r.targetReached()).toBe(false);
    r.apply(event({ type: 'trial.created', number: 1, params: {}, point: [0] }));
    r.apply(event({ type: 'trial.finished', number: 1, attempt: 1, state: 'failed' }));
    r.apply(event({ type: 'trial.created', number: 2, params: {}, point: [0] }));
    r.apply(
      event({ type: 'trial.finished', number: 2, attempt: 1, state: 'completed', value: 0.1 }),
    );
    expect(r.targetReached()).toBe(true);
    // Cancelled trials reach the sampler as failed: no information about the objective.
    expect(r.takeUnsent().finished.map((t) => t.state)).toEqual([
      'completed',
      'failed',
      'completed',
    ]);
    expect(r.timedOut(1000 + 59_999)).toBe(false);
    expect(r.timedOut(1000 + 60_000)).toBe(true);
    // 10 trials at most, 3 created: up to 4 at once still.
    expect(r.demand()).toBe(4);
    r.apply(event({ type: 'sweep.paused', state: 'paused' }));
    expect(r.demand()).toBe(0);
    r.apply(event({ type: 'sweep.resumed', state: 'running' }));
    expect(r.demand()).toBe(4);
    r.apply(event({ type: 'sweep.cancelled', state: 'cancelled', stopReason: 'cancelled' }));
    expect(r.ended).toBe(true);
  });

  it('takes a change of parallelism, run_cap, max_duration and target from the log', () => {
    const r = runtime();
    seq = 0;
    r.rebuild([trial(0, 'completed', 0.2)], '0-0', false);
    expect([r.cap, r.demand(), r.targetReached(), r.timedOut(1000 + 60_000)]).toEqual([
      10,
      4,
      false,
      true,
    ]);
    r.apply(
      event({
        type: 'sweep.updated',
        changes: { parallelism: 8, run_cap: 3, max_duration: null, target: 0.3 },
      }),
    );
    expect(r.spec).toMatchObject({ parallelism: 8, run_cap: 3, metric: { target: 0.3 } });
    expect(r.spec.max_duration).toBeUndefined();
    expect([r.cap, r.demand(), r.targetReached(), r.timedOut(1000 + 60_000)]).toEqual([
      3,
      2,
      true,
      false,
    ]);
    // The spec the runtime was built from is left as it was.
    expect(spec.parallelism).toBe(4);
  });

  it('keeps no finished trials for a sampler that ignores the history, but still knows the best', () => {
    const r = runtime('random');
    r.rebuild([trial(0, 'completed', 0.5), trial(1, 'completed', 0.2)], '0-0', false);
    expect(r.takeUnsent()).toEqual({ reset: true, finished: [] });
    r.apply(event({ type: 'trial.created', number: 2, params: {}, point: [0.2] }, 1));
    r.apply(
      event({ type: 'trial.finished', number: 2, attempt: 1, state: 'completed', value: 0.1 }),
    );
    expect(r.takeUnsent().finished).toEqual([]);
    expect(r.best).toBe(0.1);
  });

  it('queues a promoted trial for a new job', () => {
    const r = runtime();
    r.rebuild([trial(0, 'paused')], '0-0', false);
    expect([...r.toEnqueue]).toEqual([]);
    r.apply(event({ type: 'trial.resumed', number: 0, attempt: 1 }, 1));
    expect([...r.toEnqueue]).toEqual([0]);
  });

  it('keeps the thinned curve of each trial for a sampler that reads curves, and sends it along', () => {
    const r = runtime('gp');
    const pause = {
      rule: 'asha',
      step: 4,
      rung: 4,
      value: 0.3,
      cutoff: 0.2,
      population: 3,
      rank: 2,
    };
    r.rebuild([trial(0, 'running'), trial(1, 'running')], '0-0', false);
    r.takeUnsent();
    const report = (number: number, step: number, val_loss: number) =>
      r.apply(
        event({ type: 'trial.reported', number, attempt: 1, step, metrics: { val_loss, acc: 1 } }),
      );
    for (let step = 1; step <= 4; step++) report(0, step, 1 / step);
    r.apply(event({ type: 'trial.paused', number: 0, attempt: 1, reason: pause }));
    for (let step = 1; step <= 3; step++) report(1, step, 2 / step);
    r.apply(
      event({
        type: 'trial.finished',
        number: 1,
        attempt: 1,
        state: 'completed',
        value: 0.6,
        step: 3,
      }),
    );
    expect(r.takeUnsent().finished).toEqual([
      {
        number: 0,
        state: 'pruned',
        point: [0],
        step: 4,
        loss: 0.3,
        curve: [
          { step: 1, loss: 1 },
          { step: 2, loss: 0.5 },
          { step: 4, loss: 0.25 },
        ],
      },
      {
        number: 1,
        state: 'completed',
        point: [0.1],
        loss: 0.6,
        step: 3,
        curve: [
          { step: 1, loss: 2 },
          { step: 2, loss: 1 },
          { step: 3, loss: 2 / 3 },
        ],
      },
    ]);
    // Promoted, the paused trial goes on where its curve stopped; a sampler that reads no curves
    // gets none.
    r.apply(event({ type: 'trial.resumed', number: 0, attempt: 1 }));
    report(0, 5, 0.2);
    r.apply(
      event({
        type: 'trial.finished',
        number: 0,
        attempt: 2,
        state: 'completed',
        value: 0.2,
        step: 5,
      }),
    );
    expect(r.takeUnsent().finished[0]!.curve?.map((p) => p.step)).toEqual([1, 2, 4, 5]);
    const plain = runtime('tpe');
    plain.rebuild([trial(0, 'running')], '0-0', false);
    plain.apply(
      event(
        { type: 'trial.reported', number: 0, attempt: 1, step: 1, metrics: { val_loss: 1 } },
        1,
      ),
    );
    plain.apply(
      event({
        type: 'trial.finished',
        number: 0,
        attempt: 1,
        state: 'completed',
        value: 1,
        step: 1,
      }),
    );
    expect(plain.takeUnsent().finished.at(-1)).not.toHaveProperty('curve');
  });

  it('tells the sampler of a paused trial after a rebuild, as the log would have', () => {
    const r = runtime();
    const reason = {
      rule: 'asha',
      step: 2,
      rung: 2,
      value: 0.4,
      cutoff: 0.3,
      population: 4,
      rank: 3,
    };
    r.rebuild([{ ...trial(0, 'paused'), pauseReason: reason }], '0-0', false);
    expect(r.takeUnsent().finished).toEqual([
      { number: 0, state: 'pruned', point: [0], step: 2, loss: 0.4 },
    ]);
  });
});
