/**
 * The store contract (src/store.ts) as tests, run over every implementation: the in-memory store
 * in the unit project, the Redis store against a real redis-server in the integration project.
 */
import { type StepValue, summarizePeers } from '@rung/search';
import {
  applySweepChanges,
  canTransition,
  canTransitionSweep,
  isActive,
  SWEEP_STATES,
  TRIAL_STATES,
  type TrialState,
} from '@rung/shared';
import { describe, expect, it } from 'vitest';
import {
  LOG_LINE_CHARS,
  LOG_LINES_KEPT,
  registeredTrainers,
  type Store,
  type WorkerInfo,
} from '../src/index.js';
import { parseSweepSpecForTest } from './spec-fixture.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  make(options?: { eventLogCap?: number }): Promise<Store>;
  /** Whether the log's cap is exact (memory) or approximate (Redis trims whole nodes). */
  exactCap: boolean;
}

const spec = parseSweepSpecForTest();
const metric = spec.metric;
const NOW = 1_000;
let sweepCounter = 0;

async function newSweep(store: Store): Promise<string> {
  const id = `sw-c${++sweepCounter}`;
  await store.createSweep({ id, spec, sampler: 'random', warnings: [], now: NOW });
  return id;
}

/** Creates the sweep's next trial (queued) and returns its number. */
async function queued(store: Store, sweepId: string): Promise<number> {
  const number = (await store.sweepStatus(sweepId))!.trials;
  expect(
    await store.createTrial(sweepId, {
      number,
      params: { x: number },
      point: [number / 100],
      now: NOW,
      fence: 0,
    }),
  ).toBe('created');
  return number;
}

async function running(
  store: Store,
  sweepId: string,
): Promise<{ number: number; attempt: number }> {
  const number = await queued(store, sweepId);
  const started = await store.startTrial(sweepId, number, {
    workerId: 'w1',
    jobId: 'j',
    now: NOW + 1,
  });
  if (!started.ok) throw new Error(`not started: ${started.state}`);
  return { number, attempt: started.attempt };
}

/** Runs a trial to completion with the given curve of val_loss values (steps 1..n). */
async function completed(store: Store, sweepId: string, curve: number[]): Promise<number> {
  const { number, attempt } = await running(store, sweepId);
  for (const [i, v] of curve.entries()) {
    await store.report(sweepId, number, attempt, report(i + 1, v), { metric });
  }
  const losses: StepValue[] = curve.map((loss, i) => ({ step: i + 1, loss }));
  expect(
    await store.finishTrial(sweepId, number, attempt, {
      state: 'completed',
      value: curve.at(-1),
      now: NOW + 2,
      curve: losses,
    }),
  ).toBe(true);
  return number;
}

function report(step: number, value: number) {
  return { step, metrics: { val_loss: value }, at: NOW + step };
}

/** Brings a new trial into `state` through the store's own operations. */
async function trialIn(
  store: Store,
  sweepId: string,
  state: TrialState,
): Promise<{ number: number; attempt: number }> {
  if (state === 'queued') return { number: await queued(store, sweepId), attempt: 0 };
  if (state === 'cancelled') {
    const number = await queued(store, sweepId);
    expect(await store.endTrial(sweepId, number, 'cancelled', 'test', NOW)).toBe(true);
    return { number, attempt: 0 };
  }
  const t = await running(store, sweepId);
  if (state === 'paused')
    expect(await store.pauseTrial(sweepId, t.number, t.attempt, NOW)).toBe(true);
  if (state === 'completed' || state === 'pruned' || state === 'failed') {
    const outcome = { state, value: 1, now: NOW } as const;
    expect(await store.finishTrial(sweepId, t.number, t.attempt, outcome)).toBe(true);
  }
  return t;
}

/** Every operation that may move a trial to `to`; each returns whether it did. */
function operationsTo(
  store: Store,
  sweepId: string,
  to: TrialState,
): ((t: { number: number; attempt: number }) => Promise<boolean>)[] {
  switch (to) {
    case 'queued':
      return [
        (t) => store.resumeTrial(sweepId, t.number, NOW),
        (t) => store.retryTrial(sweepId, t.number, t.attempt, 'worker lost', NOW),
      ];
    case 'running':
      return [
        async (t) =>
          (await store.startTrial(sweepId, t.number, { workerId: 'w2', jobId: 'j', now: NOW })).ok,
      ];
    case 'paused':
      return [(t) => store.pauseTrial(sweepId, t.number, t.attempt, NOW)];
    case 'completed':
      return [(t) => store.finishTrial(sweepId, t.number, t.attempt, { state: to, now: NOW })];
    case 'pruned':
      return [
        (t) => store.finishTrial(sweepId, t.number, t.attempt, { state: 'pruned', now: NOW }),
        (t) => store.endTrial(sweepId, t.number, 'pruned', 'never promoted', NOW),
      ];
    case 'failed':
      return [
        (t) => store.finishTrial(sweepId, t.number, t.attempt, { state: 'failed', now: NOW }),
        (t) => store.endTrial(sweepId, t.number, 'failed', 'lost', NOW),
      ];
    case 'cancelled':
      return [(t) => store.endTrial(sweepId, t.number, 'cancelled', 'stop', NOW)];
  }
}

/** The counts and the active set agree with the trials themselves. */
async function expectConsistent(store: Store, sweepId: string): Promise<void> {
  const trials = await store.listTrials(sweepId);
  const status = await store.sweepStatus(sweepId);
  for (const state of TRIAL_STATES) {
    expect(status!.counts[state], state).toBe(trials.filter((t) => t.state === state).length);
  }
  const active = (await store.activeTrials(sweepId)).map((t) => t.number);
  expect(active).toEqual(trials.filter((t) => isActive(t.state)).map((t) => t.number));
}

export function describeStoreConformance(name: string, factory: StoreFactory): void {
  describe(`${name}: the store contract`, () => {
    describe('sweeps', () => {
      it('stores a sweep, lists it, and refuses the same id twice', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const view = await store.getSweep(id);
        expect(view).toMatchObject({ id, state: 'running', sampler: 'random', trials: 0 });
        expect(view?.spec).toEqual(spec);
        expect(Object.values(view!.counts).every((c) => c === 0)).toBe(true);
        expect(await store.listSweepIds()).toEqual([id]);
        expect(await store.liveSweepIds()).toEqual([id]);
        expect(await store.sweepStatus(id)).toMatchObject({ state: 'running', trials: 0 });
        await expect(
          store.createSweep({ id, spec, sampler: 'tpe', warnings: [], now: NOW }),
        ).rejects.toThrow(/exists/);
        expect(await store.getSweep('sw-none')).toBeUndefined();
        expect(await store.sweepStatus('sw-none')).toBeUndefined();
      });

      it('pages through sweep ids in creation order', async () => {
        const store = await factory.make();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const id = `sw-p${++sweepCounter}`;
          await store.createSweep({ id, spec, sampler: 'random', warnings: [], now: NOW + i });
          ids.push(id);
        }
        expect(await store.listSweepIds({ limit: 2 })).toEqual(ids.slice(0, 2));
        expect(await store.listSweepIds({ after: ids[1], limit: 2 })).toEqual(ids.slice(2, 4));
        expect(await store.listSweepIds({ after: ids[4] })).toEqual([]);
      });

      it('moves sweeps along the sweep state machine only', async () => {
        for (const from of SWEEP_STATES) {
          for (const to of SWEEP_STATES) {
            const store = await factory.make();
            const id = await newSweep(store);
            if (from !== 'running') {
              expect(await store.transitionSweep(id, ['running'], from, { now: NOW })).toBe(true);
            }
            const ok = await store.transitionSweep(id, [from], to, { now: NOW + 1 });
            expect(ok, `${from} → ${to}`).toBe(canTransitionSweep(from, to));
            const state = (await store.sweepStatus(id))!.state;
            expect(state).toBe(ok ? to : from);
            const live = ['running', 'paused'].includes(state);
            expect(await store.liveSweepIds()).toEqual(live ? [id] : []);
          }
        }
      });

      it('refuses a move from a state the caller did not expect', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        expect(await store.transitionSweep(id, ['paused'], 'completed', { now: NOW })).toBe(false);
        expect(
          await store.transitionSweep(id, ['running'], 'completed', {
            now: NOW + 5,
            stopReason: 'run_cap',
          }),
        ).toBe(true);
        expect(await store.getSweep(id)).toMatchObject({
          state: 'completed',
          stopReason: 'run_cap',
          finishedAt: NOW + 5,
        });
      });

      it('changes a live sweep’s spec only from the spec the caller read, and logs the change', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const previous = (await store.getSweep(id))!.spec;
        const changes = { parallelism: 7, target: 0.5 };
        const next = applySweepChanges(previous, changes);
        expect(await store.updateSweepSpec(id, { previous, next, changes, now: NOW + 1 })).toBe(
          'updated',
        );
        expect((await store.getSweep(id))!.spec).toEqual(next);
        const [, updated] = await store.readEvents(id, '0-0', 10);
        expect(updated).toMatchObject({ type: 'sweep.updated', changes, at: NOW + 1 });
        // A second writer that read the old spec is told so, and changes nothing.
        expect(
          await store.updateSweepSpec(id, {
            previous,
            next: applySweepChanges(previous, { run_cap: 3 }),
            changes: { run_cap: 3 },
            now: NOW + 2,
          }),
        ).toBe('changed');
        expect((await store.getSweep(id))!.spec.run_cap).toBe(next.run_cap);
        await store.transitionSweep(id, ['running'], 'completed', { now: NOW + 3 });
        expect(
          await store.updateSweepSpec(id, { previous: next, next, changes, now: NOW + 4 }),
        ).toBe('not_live');
      });

      it('holds the queued trials of a paused sweep, and lets running ones go on', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const waiting = await queued(store, id);
        const { number: busy } = await running(store, id);
        await store.transitionSweep(id, ['running'], 'paused', { now: NOW });
        const start = { workerId: 'w2', jobId: 'j2', now: NOW + 1 };
        expect(await store.startTrial(id, waiting, start)).toEqual({ ok: false, state: 'held' });
        expect((await store.getTrial(id, waiting))!.state).toBe('queued');
        // A redelivered running trial is a new attempt of work already under way: it goes on.
        expect((await store.startTrial(id, busy, { ...start, jobId: 'j' })).ok).toBe(true);
        await store.transitionSweep(id, ['paused'], 'running', { now: NOW + 2 });
        expect((await store.startTrial(id, waiting, start)).ok).toBe(true);
      });
    });

    describe('trial numbers', () => {
      it('are allocated by compare-and-set, only while the sweep runs', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const trial = (number: number, fence = 0) => ({
          number,
          params: { x: number },
          point: [0.5],
          now: NOW,
          fence,
        });
        expect(await store.createTrial(id, trial(0))).toBe('created');
        expect(await store.createTrial(id, trial(0))).toBe('taken');
        expect(await store.createTrial(id, trial(2))).toBe('taken');
        expect(await store.createTrial(id, trial(1))).toBe('created');
        expect(await store.sweepStatus(id)).toMatchObject({ trials: 2 });
        await store.transitionSweep(id, ['running'], 'paused', { now: NOW });
        expect(await store.createTrial(id, trial(2))).toBe('not_running');
        await store.transitionSweep(id, ['paused'], 'running', { now: NOW });
        expect(await store.createTrial(id, trial(2))).toBe('created');
      });

      it('refuse a deposed leader: an older fencing token loses once a newer one wrote', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const trial = (number: number, fence: number) => ({
          number,
          params: {},
          point: [],
          now: NOW,
          fence,
        });
        expect(await store.createTrial(id, trial(0, 3))).toBe('created');
        expect(await store.createTrial(id, trial(1, 2))).toBe('fenced');
        expect(await store.createTrial(id, trial(1, 3))).toBe('created');
        expect(await store.createTrial(id, trial(2, 4))).toBe('created');
        expect(await store.createTrial(id, trial(3, 3))).toBe('fenced');
      });
    });

    describe('the trial state machine', () => {
      it('allows exactly the transitions of TRIAL_TRANSITIONS, keeping counts and the active set', async () => {
        const store = await factory.make();
        for (const from of TRIAL_STATES) {
          for (const to of TRIAL_STATES) {
            let any = false;
            const ways = operationsTo(store, '', to).length;
            for (let way = 0; way < ways; way++) {
              // Each way gets its own sweep and a trial brought into `from`.
              const sweepId = await newSweep(store);
              const t = await trialIn(store, sweepId, from);
              const moved = await operationsTo(store, sweepId, to)[way]!(t);
              const state = (await store.getTrial(sweepId, t.number))!.state;
              if (moved) expect(canTransition(from, to), `${from} → ${to}`).toBe(true);
              expect(state, `${from} → ${to} (moved: ${moved})`).toBe(moved ? to : from);
              await expectConsistent(store, sweepId);
              any ||= moved;
            }
            expect(any, `${from} → ${to}`).toBe(canTransition(from, to));
          }
        }
      });
    });

    describe('attempts', () => {
      it('fence off a stale attempt and keep each attempt’s reports apart', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const first = await running(store, id);
        await store.report(id, first.number, first.attempt, report(1, 0.9), { metric });
        await store.report(id, first.number, first.attempt, report(2, 0.8), { metric });
        expect(await store.setTrialBackend(id, first.number, first.attempt, 'wasm', NOW + 5)).toBe(
          true,
        );

        expect(await store.getTrial(id, first.number)).toMatchObject({
          backend: 'wasm',
          readyAt: NOW + 5,
        });
        // The job is redelivered: a new attempt, a clean series, on other GPUs.
        const second = await store.startTrial(id, first.number, {
          workerId: 'w2',
          jobId: 'j',
          now: NOW + 10,
          gpus: [2, 3],
        });
        expect((await store.getTrial(id, first.number))?.gpus).toEqual([2, 3]);
        expect(second).toEqual({ ok: true, attempt: first.attempt + 1 });
        if (!second.ok) return;
        expect(
          await store.report(id, first.number, first.attempt, report(3, 0.7), { metric }),
        ).toEqual({
          state: 'superseded',
        });
        expect(await store.setTrialBackend(id, first.number, first.attempt, 'cpu', NOW)).toBe(
          false,
        );
        expect(
          await store.finishTrial(id, first.number, first.attempt, {
            state: 'completed',
            value: 1,
            now: NOW,
          }),
        ).toBe(false);
        await store.report(id, first.number, second.attempt, report(1, 0.5), { metric });
        expect(
          await store.finishTrial(id, first.number, second.attempt, {
            state: 'pruned',
            value: 0.5,
            now: NOW + 20,
          }),
        ).toBe(true);

        const trial = await store.getTrial(id, first.number, { attempts: true });
        expect(trial).toMatchObject({ state: 'pruned', attempt: 2, workerId: 'w2', lastStep: 1 });
        expect(trial?.backend).toBeUndefined();
        expect(trial?.readyAt).toBeUndefined();
        expect(trial?.reports.map((r) => r.step)).toEqual([1]);
        expect(trial?.attempts).toEqual([
          expect.objectContaining({
            attempt: 1,
            workerId: 'w1',
            endedBy: 'superseded',
            endedAt: NOW + 10,
          }),
          expect.objectContaining({
            attempt: 2,
            workerId: 'w2',
            endedBy: 'pruned',
            endedAt: NOW + 20,
          }),
        ]);
        expect(trial?.attempts?.[0]?.reports.map((r) => r.metrics.val_loss)).toEqual([0.9, 0.8]);
        expect(trial?.attempts?.[1]?.reports.map((r) => r.metrics.val_loss)).toEqual([0.5]);
        await expectConsistent(store, id);
      });

      it('add up the GPU-seconds of attempts and keep the highest peak GPU memory', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const first = await running(store, id);
        await store.report(id, first.number, first.attempt, report(1, 0.5), { metric });
        // The first attempt was superseded before it finished: what it used is not known.
        const second = await store.startTrial(id, first.number, {
          workerId: 'w2',
          jobId: 'j',
          now: NOW + 5,
          gpus: [1],
        });
        if (!second.ok) throw new Error('not started');
        await store.report(id, first.number, second.attempt, report(1, 0.4), { metric });
        expect(
          await store.finishTrial(id, first.number, second.attempt, {
            state: 'completed',
            value: 0.4,
            now: NOW + 9,
            curve: [{ step: 1, loss: 0.4 }],
            usage: { gpuSeconds: 2.5, peakGpuMemoryMiB: 900 },
          }),
        ).toBe(true);
        expect(await store.getTrial(id, first.number)).toMatchObject({
          gpus: [1],
          gpuSeconds: 2.5,
          peakGpuMemoryMiB: 900,
        });
        const other = await running(store, id);
        await store.finishTrial(id, other.number, other.attempt, {
          state: 'failed',
          now: NOW + 3,
          usage: { gpuSeconds: 0.25 },
        });
        const failed = await store.getTrial(id, other.number);
        expect(failed?.gpuSeconds).toBe(0.25);
        expect(failed?.peakGpuMemoryMiB).toBeUndefined();
        // A paused attempt's GPU time counts too (ASHA with promotion pauses at every rung).
        const third = await running(store, id);
        expect(
          await store.pauseTrial(id, third.number, third.attempt, NOW + 4, undefined, {
            gpuSeconds: 1,
            peakGpuMemoryMiB: 300,
          }),
        ).toBe(true);
        expect(await store.getTrial(id, third.number)).toMatchObject({
          state: 'paused',
          gpuSeconds: 1,
          peakGpuMemoryMiB: 300,
        });
        expect((await store.sweepStatus(id))?.gpuSeconds).toBeCloseTo(3.75, 9);
      });

      it('record how an attempt ended when the trial is ended from outside or paused', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const a = await running(store, id);
        expect(await store.pauseTrial(id, a.number, a.attempt, NOW + 1)).toBe(true);
        expect(await store.resumeTrial(id, a.number, NOW + 2)).toBe(true);
        expect((await store.readEvents(id, '0-0', 100)).at(-1)).toMatchObject({
          type: 'trial.resumed',
          number: a.number,
          attempt: 1,
        });
        const b = await store.startTrial(id, a.number, {
          workerId: 'w3',
          jobId: 'j',
          now: NOW + 3,
        });
        expect(b).toEqual({ ok: true, attempt: 2 });
        expect(await store.endTrial(id, a.number, 'failed', 'job lost', NOW + 4)).toBe(true);
        const trial = await store.getTrial(id, a.number, { attempts: true });
        expect(trial).toMatchObject({ state: 'failed', error: 'job lost', finishedAt: NOW + 4 });
        expect(trial?.attempts?.map((x) => x.endedBy)).toEqual(['paused', 'failed']);
      });
    });

    describe('checkpoints', () => {
      it('are recorded by the running attempt only, and offered to the next attempt', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const first = await running(store, id);
        const where = { path: '/ckpt/t0', now: NOW + 3 };
        for (const step of [1, 2, 3]) {
          await store.report(id, first.number, first.attempt, report(step, 1 / step), { metric });
        }
        expect(
          await store.recordCheckpoint(id, first.number, first.attempt, { ...where, step: 2 }),
        ).toBe(true);
        const saved = { path: '/ckpt/t0', step: 2, attempt: first.attempt, at: NOW + 3 };
        expect((await store.getTrial(id, first.number))?.checkpoint).toEqual(saved);

        const second = await store.startTrial(id, first.number, {
          workerId: 'w2',
          jobId: 'j',
          now: NOW + 10,
        });
        expect(second).toEqual({ ok: true, attempt: first.attempt + 1, checkpoint: saved });
        // The superseded attempt can no longer move the checkpoint.
        expect(
          await store.recordCheckpoint(id, first.number, first.attempt, { ...where, step: 3 }),
        ).toBe(false);
        expect((await store.getTrial(id, first.number))?.checkpoint).toEqual(saved);
      });

      it('retry a lost attempt: it ends lost with its reason, and only the new job starts the trial', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const first = await running(store, id);
        expect(await store.retryTrial(id, first.number, first.attempt + 1, 'x', NOW + 1)).toBe(
          false,
        );
        expect(
          await store.retryTrial(id, first.number, first.attempt, 'worker w1 lost', NOW + 2),
        ).toBe(true);
        expect(await store.getTrial(id, first.number)).toMatchObject({
          state: 'queued',
          retries: 1,
        });
        const [event] = (await store.readEvents(id, '0-0', 100)).filter(
          (e) => e.type === 'trial.retried',
        );
        expect(event).toMatchObject({
          number: first.number,
          attempt: first.attempt,
          retries: 1,
          reason: 'worker w1 lost',
        });
        const second = await store.startTrial(id, first.number, {
          workerId: 'w2',
          jobId: 'j-new',
          now: NOW + 3,
        });
        expect(second).toMatchObject({ ok: true, attempt: first.attempt + 1 });
        // The lost worker's job, redelivered late, does not take the trial from the new attempt.
        expect(
          await store.startTrial(id, first.number, { workerId: 'w3', jobId: 'j', now: NOW + 4 }),
        ).toEqual({ ok: false, state: 'stale' });
        const trial = await store.getTrial(id, first.number, { attempts: true });
        expect(trial?.attempts?.map((a) => [a.attempt, a.endedBy, a.error])).toEqual([
          [1, 'lost', 'worker w1 lost'],
          [2, undefined, undefined],
        ]);
        // A job handed back and redelivered is a retry too.
        await store.startTrial(id, first.number, { workerId: 'w4', jobId: 'j-new', now: NOW + 5 });
        expect((await store.getTrial(id, first.number))?.retries).toBe(2);
      });

      it('add each ended attempt’s GPU-seconds to the trial and the sweep', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        expect((await store.sweepStatus(id))?.gpuSeconds).toBe(0);
        for (const gpuSeconds of [1.5, 2.25]) {
          const t = await running(store, id);
          await store.finishTrial(id, t.number, t.attempt, {
            state: 'completed',
            value: 1,
            usage: { gpuSeconds },
            now: NOW + 5,
          });
        }
        expect((await store.sweepStatus(id))?.gpuSeconds).toBeCloseTo(3.75, 9);
        expect((await store.getTrial(id, 1))?.gpuSeconds).toBeCloseTo(2.25, 9);
      });

      it('let a resumed attempt go on with the series up to the checkpoint, no step twice', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const first = await running(store, id);
        for (const step of [1, 2, 3]) {
          await store.report(id, first.number, first.attempt, report(step, 1 / step), { metric });
        }
        const where = { path: '/ckpt/t0', step: 2, now: NOW + 3 };
        await store.recordCheckpoint(id, first.number, first.attempt, where);
        const second = await store.startTrial(id, first.number, {
          workerId: 'w2',
          jobId: 'j',
          now: NOW + 10,
        });
        if (!second.ok || !second.checkpoint) throw new Error('no checkpoint offered');
        // A stale view of the checkpoint is refused.
        expect(
          await store.resumeFromCheckpoint(id, first.number, second.attempt, {
            ...second.checkpoint,
            step: 3,
          }),
        ).toBeUndefined();
        const resumed = await store.resumeFromCheckpoint(
          id,
          first.number,
          second.attempt,
          second.checkpoint,
        );
        expect(resumed?.map((r) => [r.step, r.metrics.val_loss])).toEqual([
          [1, 1],
          [2, 0.5],
        ]);
        expect(await store.getTrial(id, first.number)).toMatchObject({
          lastStep: 2,
          checkpoint: { step: 2, attempt: second.attempt },
        });
        await store.report(id, first.number, second.attempt, report(3, 0.3), { metric });

        // The second attempt's worker is lost before it saves another checkpoint: retried, the
        // third attempt resumes from the same one, with the same series.
        expect(await store.retryTrial(id, first.number, second.attempt, 'lost', NOW + 15)).toBe(
          true,
        );
        const third = await store.startTrial(id, first.number, {
          workerId: 'w3',
          jobId: 'j3',
          now: NOW + 20,
        });
        if (!third.ok || !third.checkpoint) throw new Error('no checkpoint offered');
        expect(third.checkpoint).toMatchObject({ step: 2, attempt: second.attempt });
        const again = await store.resumeFromCheckpoint(
          id,
          first.number,
          third.attempt,
          third.checkpoint,
        );
        expect(again?.map((r) => r.step)).toEqual([1, 2]);
        await store.report(id, first.number, third.attempt, report(3, 0.25), { metric });
        const trial = await store.getTrial(id, first.number, { attempts: true });
        expect(trial?.reports.map((r) => [r.step, r.metrics.val_loss])).toEqual([
          [1, 1],
          [2, 0.5],
          [3, 0.25],
        ]);
        expect(trial?.attempts?.map((a) => a.reports.map((r) => r.step))).toEqual([
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
        ]);
        // Only the attempt that owns the running trial may resume.
        expect(
          await store.resumeFromCheckpoint(id, first.number, second.attempt, third.checkpoint),
        ).toBeUndefined();
      });
    });

    describe('one call per report', () => {
      it('stores a report once however often it is sent, and refuses a trial that is not running', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const t = await running(store, id);
        const events = async () => (await store.readEvents(id, '0-0', 1000)).map((e) => e.type);
        expect(await store.report(id, t.number, t.attempt, report(1, 1), { metric })).toEqual({
          state: 'running',
          completedTrials: 0,
        });
        await store.report(id, t.number, t.attempt, report(1, 1), { metric });
        expect((await store.getTrial(id, t.number))?.reports).toHaveLength(1);
        expect((await events()).filter((e) => e === 'trial.reported')).toHaveLength(1);
        expect(await store.endTrial(id, t.number, 'cancelled', 'sweep cancelled', NOW)).toBe(true);
        expect(await store.report(id, t.number, t.attempt, report(2, 1), { metric })).toEqual({
          state: 'cancelled',
        });
        expect(await store.report(id, 99, 1, report(1, 1), { metric })).toEqual({
          state: 'missing',
        });
      });

      it('answers the pruning rule’s query from the completed trials’ losses at that step', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        // Losses at step 2 of completed trials; a pruned and a failed trial do not count.
        const finals = [0.7, 0.2, 0.9, 0.4, 0.4, 0.1234567890123456];
        for (const v of finals) await completed(store, id, [v + 1, v]);
        const p = await running(store, id);
        await store.report(id, p.number, p.attempt, report(2, 0.05), { metric });
        await store.finishTrial(id, p.number, p.attempt, {
          state: 'pruned',
          value: 0.05,
          now: NOW,
          curve: [{ step: 2, loss: 0.05 }],
        });
        await completed(store, id, [5, Number.NaN]);

        const t = await running(store, id);
        for (const query of [
          { quantiles: [0.5] },
          { quantiles: [0.5, 0.25, 0, 1, 0.9], rankOf: 0.4 },
          { quantiles: [0.1], rankOf: 0.05 },
        ]) {
          const answer = await store.report(id, t.number, t.attempt, report(2, 0.3), {
            metric,
            query,
          });
          expect(answer).toEqual({
            state: 'running',
            completedTrials: 7,
            peers: summarizePeers(finals, query),
          });
        }
        // A step nobody completed: no peers, NaN quantiles.
        expect(
          await store.report(id, t.number, t.attempt, report(9, 0.3), {
            metric,
            query: { quantiles: [0.5], rankOf: 0.3 },
          }),
        ).toEqual({
          state: 'running',
          completedTrials: 7,
          peers: { count: 0, quantiles: [Number.NaN], better: 0 },
        });
      });
    });

    describe('rungs (successive halving)', () => {
      it('record each trial’s value at a rung, whatever became of it, and rank against them', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const rung = (record?: number) => ({
          name: '0:2',
          ...(record !== undefined && { record }),
        });
        const values = [0.5, 0.2, Number.POSITIVE_INFINITY, 0.8];
        const trials = [];
        for (const v of values) {
          const t = await running(store, id);
          trials.push(t);
          await store.report(id, t.number, t.attempt, report(2, v), {
            metric,
            query: { quantiles: [], rankOf: v, rung: rung(v) },
          });
        }
        // The first trial ends (pruned); its record stays. A second report at the rung replaces.
        const [first, second] = trials as [(typeof trials)[0], (typeof trials)[0]];
        await store.finishTrial(id, first.number, first.attempt, { state: 'pruned', now: NOW });
        await store.report(id, second.number, second.attempt, report(3, 0.3), {
          metric,
          query: { quantiles: [], rankOf: 0.25, rung: rung(0.25) },
        });
        const expected = [0.5, 0.25, Number.POSITIVE_INFINITY, 0.8];
        const t = await running(store, id);
        const query = {
          quantiles: [0.5],
          rankOf: 0.6,
          ranks: [
            { fraction: 1 / 3, offset: 0 },
            { fraction: 0.5, offset: 1 },
          ],
          rung: rung(),
        };
        const answer = await store.report(id, t.number, t.attempt, report(2, 0.6), {
          metric,
          query,
        });
        expect(answer).toEqual({
          state: 'running',
          completedTrials: 0,
          peers: summarizePeers(expected, query),
        });
        expect(answer.state === 'running' && answer.peers?.atRanks).toEqual([0.25, 0.8]);
        // Standings: the rung's size and how many are strictly better than a value.
        expect(
          await store.rungStandings(id, [
            { name: '0:2', value: 0.5 },
            { name: '0:2', value: Number.POSITIVE_INFINITY },
            { name: '0:6', value: 1 },
          ]),
        ).toEqual([
          { count: 4, better: 1 },
          { count: 4, better: 3 },
          { count: 0, better: 0 },
        ]);
        expect(await store.rungValueAt(id, '0:2', 1)).toBe(0.25);
        expect(await store.rungValueAt(id, '0:2', 4)).toBe(Number.POSITIVE_INFINITY);
        expect(await store.rungValueAt(id, '0:2', 5)).toBeUndefined();
        expect(await store.rungValueAt(id, '0:2', 0)).toBeUndefined();
      });

      it('keep why a trial paused, on the trial and in its event, and why it was promoted', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const a = await running(store, id);
        const reason = {
          rule: 'asha',
          step: 2,
          rung: 2,
          value: 0.7,
          cutoff: 0.4,
          population: 6,
          rank: 4,
        };
        expect(await store.pauseTrial(id, a.number, a.attempt, NOW + 1, reason)).toBe(true);
        expect(await store.getTrial(id, a.number)).toMatchObject({
          state: 'paused',
          pauseReason: reason,
        });
        expect((await store.readEvents(id, '0-0', 100)).at(-1)).toMatchObject({
          type: 'trial.paused',
          number: a.number,
          reason,
        });
        const promotion = { ...reason, rank: 2, detail: 'promoted' };
        expect(await store.resumeTrial(id, a.number, NOW + 2, promotion)).toBe(true);
        expect((await store.readEvents(id, '0-0', 100)).at(-1)).toMatchObject({
          type: 'trial.resumed',
          number: a.number,
          reason: promotion,
        });
      });
    });

    describe('results', () => {
      it('orders the leaderboard by goal, and pages through trials', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        for (const v of [0.9, 0.2, 0.5]) await completed(store, id, [v]);
        await running(store, id);
        const values = async (goal: 'minimize' | 'maximize', limit: number) =>
          (await store.leaderboard(id, goal, limit)).map((t) => t.value);
        expect(await values('minimize', 10)).toEqual([0.2, 0.5, 0.9]);
        expect(await values('maximize', 2)).toEqual([0.9, 0.5]);
        expect((await store.getSweep(id))?.best).toMatchObject({ number: 1, value: 0.2 });

        const all = await store.listTrials(id, { reports: true });
        expect(all.map((t) => t.number)).toEqual([0, 1, 2, 3]);
        expect(all[0]?.reports.map((r) => r.metrics.val_loss)).toEqual([0.9]);
        expect((await store.listTrials(id))[0]?.reports).toEqual([]);
        expect((await store.listTrials(id, { after: 0, limit: 2 })).map((t) => t.number)).toEqual([
          1, 2,
        ]);
        expect(await store.listTrials(id, { after: 3 })).toEqual([]);
        expect((await store.activeTrials(id)).map((t) => t.number)).toEqual([3]);
        const [active] = await store.activeTrials(id, { reports: true });
        expect(active?.state).toBe('running');
        expect(active?.reports).toEqual([]);
        const trial = await store.getTrial(id, 1);
        expect(trial).toMatchObject({
          id: `${id}-1`,
          sweepId: id,
          params: { x: 1 },
          point: [0.01],
        });
      });

      it('cancels every active trial of a sweep at once, and nothing else', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const done = await completed(store, id, [0.5]);
        const q = await queued(store, id);
        const r = await running(store, id);
        const p = await trialIn(store, id, 'paused');
        const ended = await store.cancelActiveTrials(id, 'sweep cancelled', NOW + 9);
        expect(ended).toEqual([q, r.number, p.number]);
        expect((await store.getTrial(id, done))?.state).toBe('completed');
        expect((await store.getTrial(id, r.number))?.error).toBe('sweep cancelled');
        expect(await store.report(id, r.number, r.attempt, report(1, 1), { metric })).toEqual({
          state: 'cancelled',
        });
        expect(await store.cancelActiveTrials(id, 'again', NOW)).toEqual([]);
        await expectConsistent(store, id);
      });
    });

    describe('the event log', () => {
      it('logs every change in order, with seq counting without holes', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        await completed(store, id, [0.9, 0.5]);
        await store.transitionSweep(id, ['running'], 'completed', {
          now: NOW + 3,
          stopReason: 'run_cap',
        });
        const events = await store.readEvents(id, '0-0', 100);
        expect(events.map((e) => e.type)).toEqual([
          'sweep.created',
          'trial.created',
          'trial.started',
          'trial.reported',
          'trial.reported',
          'trial.finished',
          'sweep.completed',
        ]);
        expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(events.every((e) => e.sweepId === id)).toBe(true);
        expect(events[1]).toMatchObject({ number: 0, params: { x: 0 }, point: [0] });
        expect(events[2]).toMatchObject({ number: 0, attempt: 1, workerId: 'w1' });
        expect(events[4]).toMatchObject({ step: 2, metrics: { val_loss: 0.5 }, at: NOW + 2 });
        expect(events[5]).toMatchObject({
          number: 0,
          attempt: 1,
          state: 'completed',
          value: 0.5,
          step: 2,
        });
        expect(events[6]).toMatchObject({ state: 'completed', stopReason: 'run_cap', at: NOW + 3 });
        expect(await store.readEvents(id, events[4]!.id, 1)).toEqual([events[5]]);
        expect(await store.lastEventId(id)).toBe(events[6]!.id);
      });

      it('keeps values exactly, and logs pruning reasons and errors', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const t = await running(store, id);
        const v = 0.12345678901234566;
        await store.report(id, t.number, t.attempt, report(1, v), { metric });
        const reason = { rule: 'median', step: 1, value: v, cutoff: 0.1, population: 3, rank: 4 };
        await store.finishTrial(id, t.number, t.attempt, {
          state: 'pruned',
          value: v,
          pruneReason: reason,
          now: NOW,
        });
        const events = await store.readEvents(id, '0-0', 100);
        expect(events.find((e) => e.type === 'trial.reported')).toMatchObject({
          metrics: { val_loss: v },
        });
        expect(events.at(-1)).toMatchObject({ value: v, pruneReason: reason, step: 1 });
        expect((await store.getTrial(id, t.number))?.pruneReason).toEqual(reason);
        const f = await running(store, id);
        await store.endTrial(id, f.number, 'failed', 'its job "x" was lost', NOW);
        expect((await store.readEvents(id, '0-0', 100)).at(-1)).toMatchObject({
          type: 'trial.finished',
          state: 'failed',
          attempt: 0,
          error: 'its job "x" was lost',
        });
      });

      it('is capped: old entries go, and the jump in seq shows it', async () => {
        const cap = 100;
        const store = await factory.make({ eventLogCap: cap });
        const id = await newSweep(store);
        const t = await running(store, id);
        for (let step = 1; step <= 1000; step++) {
          await store.report(id, t.number, t.attempt, report(step, 1 / step), { metric });
        }
        const events = await store.readEvents(id, '0-0', 10_000);
        if (factory.exactCap) expect(events).toHaveLength(cap);
        expect(events.length).toBeGreaterThanOrEqual(cap);
        expect(events.length).toBeLessThan(300);
        expect(events[0]!.seq).toBeGreaterThan(1);
        expect(events.at(-1)!.seq).toBe(1003);
        // The records are whole: the log is not the record of truth.
        expect((await store.getTrial(id, t.number))?.reports).toHaveLength(1000);
      });

      it('follows many logs in one call, waiting for the next entry', async () => {
        const store = await factory.make();
        const a = await newSweep(store);
        const b = await newSweep(store);
        const positions = {
          index: await store.lastEventId(),
          sweeps: { [a]: await store.lastEventId(a), [b]: await store.lastEventId(b) },
        };
        expect(await store.follow(positions, 10)).toEqual({
          events: [],
          createdSweeps: [],
          positions,
        });
        const waiting = store.follow(positions, 5000);
        await new Promise((r) => setTimeout(r, 50));
        await queued(store, b);
        const first = await waiting;
        expect(first.events.map((e) => [e.sweepId, e.type])).toEqual([[b, 'trial.created']]);
        expect(first.positions.sweeps[a]).toBe(positions.sweeps[a]);
        const c = await newSweep(store);
        await queued(store, a);
        const second = await store.follow(first.positions, 1000);
        expect(second.createdSweeps).toEqual([c]);
        expect(second.events.map((e) => [e.sweepId, e.type])).toEqual([[a, 'trial.created']]);
        expect((await store.follow(second.positions, 10)).events).toEqual([]);
      });
    });

    describe('trial output', () => {
      it('keeps each attempt’s lines apart, read on with a cursor past what the cap dropped', async () => {
        const store = await factory.make();
        const id = await newSweep(store);
        const t = await running(store, id);
        const line = (text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({
          at: NOW,
          stream,
          text,
        });
        await store.appendLogs(id, t.number, t.attempt, [line('epoch 1'), line('oops', 'stderr')]);
        await store.appendLogs(id, t.number, t.attempt, [line('epoch 2')]);
        expect(await store.readLogs(id, t.number)).toEqual({
          attempt: 1,
          lines: [line('epoch 1'), line('oops', 'stderr'), line('epoch 2')],
          next: 3,
          dropped: 0,
        });
        expect(await store.readLogs(id, t.number, { after: 2 })).toMatchObject({
          lines: [line('epoch 2')],
          next: 3,
        });
        expect(await store.readLogs(id, t.number, { after: 3 })).toMatchObject({
          lines: [],
          next: 3,
        });
        expect(await store.readLogs(id, t.number, { limit: 1 })).toMatchObject({
          lines: [line('epoch 1')],
          next: 1,
        });

        // A new attempt writes its own; the first one's stay readable.
        const second = await store.startTrial(id, t.number, {
          workerId: 'w2',
          jobId: 'j',
          now: NOW,
        });
        if (!second.ok) throw new Error('not started');
        await store.appendLogs(id, t.number, second.attempt, [line('again')]);
        expect((await store.readLogs(id, t.number)).lines).toEqual([line('again')]);
        expect((await store.readLogs(id, t.number, { attempt: 1 })).lines).toHaveLength(3);

        // Past the cap the oldest go, long lines are cut, and the cursor says what was dropped.
        const many = Array.from({ length: LOG_LINES_KEPT + 5 }, (_, i) => line(`line ${i}`));
        await store.appendLogs(id, t.number, second.attempt, many);
        const page = await store.readLogs(id, t.number, { after: 1 });
        expect(page.next).toBe(LOG_LINES_KEPT + 6);
        expect(page.lines).toHaveLength(LOG_LINES_KEPT);
        expect(page.dropped).toBe(5);
        expect(page.lines[0]?.text).toBe('line 5');
        await store.appendLogs(id, t.number, second.attempt, [
          line('x'.repeat(LOG_LINE_CHARS + 10)),
        ]);
        const last = (await store.readLogs(id, t.number, { after: page.next })).lines[0]!;
        expect(last.text).toHaveLength(LOG_LINE_CHARS + 1);
        expect(await store.readLogs(id, 999)).toEqual({
          attempt: 0,
          lines: [],
          next: 0,
          dropped: 0,
        });
      });
    });

    describe('workers', () => {
      it('lists workers while their heartbeats are fresh, with the trainers they bring', async () => {
        const store = await factory.make();
        const worker = (workerId: string, names: string[], at: number): WorkerInfo => ({
          workerId,
          slots: 2,
          busy: 0,
          trainers: names.map((name) =>
            name === 'train-py' ? { name, program: 'train.py' } : { name },
          ),
          gpus: [{ index: 0, name: 'H200', memoryMiB: 141_000, free: 0.5 }],
          host: 'h',
          startedAt: 0,
          at,
        });
        // Times are the callers' clock; the time-to-live is long enough for Redis's own expiry too.
        await store.heartbeatWorker(worker('w-b', ['mlp', 'sleep'], 1_000), 30_000);
        await store.heartbeatWorker(worker('w-a', ['mlp', 'train-py'], 20_000), 30_000);
        expect((await store.liveWorkers(25_000)).map((w) => w.workerId)).toEqual(['w-a', 'w-b']);
        expect((await store.liveWorkers(25_000))[0]).toEqual(
          worker('w-a', ['mlp', 'train-py'], 20_000),
        );
        const names = async (now: number) =>
          (await registeredTrainers(store, now)).map((t) => t.name);
        expect(await names(25_000)).toEqual(['mlp', 'sleep', 'train-py']);
        expect((await registeredTrainers(store, 25_000))[2]).toEqual({
          name: 'train-py',
          program: 'train.py',
        });
        expect((await store.liveWorkers(40_000)).map((w) => w.workerId)).toEqual(['w-a']);
        expect(await names(40_000)).toEqual(['mlp', 'train-py']);
        await store.removeWorker('w-a');
        expect(await store.liveWorkers(25_000)).toEqual([]);
      });
    });

    describe('API tokens', () => {
      it('finds a token by its hash, lists tokens oldest first, and revokes by id', async () => {
        const store = await factory.make();
        const ci = { id: 'tk-ci', name: 'ci', scope: 'submit', createdAt: 2 } as const;
        const ops = { id: 'tk-ops', name: 'ops', scope: 'admin', createdAt: 1 } as const;
        await store.putToken('h-ci', ci);
        await store.putToken('h-ops', ops);
        expect(await store.tokenByHash('h-ci')).toEqual(ci);
        expect(await store.tokenByHash('h-none')).toBeUndefined();
        expect(await store.listTokens()).toEqual([ops, ci]);
        expect(await store.revokeToken('tk-ci')).toBe(true);
        expect(await store.revokeToken('tk-ci')).toBe(false);
        expect(await store.tokenByHash('h-ci')).toBeUndefined();
        expect(await store.listTokens()).toEqual([ops]);
      });
    });
  });
}
