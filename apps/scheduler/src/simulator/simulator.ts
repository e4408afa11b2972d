/**
 * The simulator backend: a sweep run by the real scheduler (`SweepScheduler`, its samplers and
 * promotion), the real early-stopping rules and the in-memory store, with workers replaced by a
 * learning-curve objective on a simulated clock. Each step of each trial is an event; events are
 * taken in time order (ties by worker), so W workers interleave as real ones would and nothing
 * depends on the machine's speed: a run is deterministic in its options.
 *
 * A simulated worker does what `runTrialJob` does with a trainer that checkpoints every step:
 * start the trial (resuming from its checkpoint), report each step with the rule's query, and end
 * it completed, pruned, or paused at a rung (checkpoint first).
 */
import type { Params, StepValue } from '@rung/search';
import {
  createLogger,
  createPruner,
  DEFAULT_LIMITS,
  type Goal,
  type TrialJob,
  toLoss,
} from '@rung/shared';
import { MemoryStore } from '@rung/store';
import { InlineSuggester } from '../scheduling/suggester.js';
import { SweepScheduler, type TrialQueue } from '../scheduling/sweep-scheduler.js';
import { validateSweep } from '../sweeps/validate-sweep.js';

/** A learning-curve objective: the metric a configuration reaches after `step` steps. */
export interface LearningCurveObjective {
  readonly name: string;
  readonly goal: Goal;
  /** Trials report steps 1..maxSteps. */
  readonly maxSteps: number;
  /** The search space, as a sweep file writes it. */
  readonly parameters: Record<string, unknown>;
  /** Deterministic in (params, step, seed). */
  curve(params: Params, step: number, seed: number): number;
  /** Simulated seconds one step takes. @defaultValue 60 for every configuration */
  stepSeconds?(params: Params): number;
}

export interface SimulationOptions {
  objective: LearningCurveObjective;
  /** The sweep's `method` (random, tpe, gp, bayes, …). */
  method: string;
  /** The sweep's `pruner` (or `early_terminate`) as a sweep file writes it. */
  pruner?: unknown;
  earlyTerminate?: unknown;
  /** Configurations to sample (the sweep's run_cap). */
  trials: number;
  /** Simulated workers (the sweep's parallelism). */
  workers: number;
  /** The sweep's seed, also the objective's noise seed. */
  seed: number;
}

/** When the best fully-trained value changed, on the simulated clock. */
export interface BestSoFar {
  readonly seconds: number;
  /** The best final value among trials that ran to maxSteps (the metric's own units). */
  readonly value: number;
}

export interface SimulationResult {
  /** Steps run over all trials (a resumed trial's earlier steps are not run again). */
  readonly steps: number;
  readonly completed: number;
  readonly pruned: number;
  /** The best final value among trials that ran to maxSteps; undefined if none did. */
  readonly bestFinal: number | undefined;
  /** The best final value among every sampled configuration, had all run to maxSteps. */
  readonly oracleBest: number;
  /** Simulated seconds until the sweep ended. */
  readonly seconds: number;
  readonly bestSoFar: readonly BestSoFar[];
  /** Trials resumed from a rung (promotions). */
  readonly promotions: number;
}

const SWEEP_ID = 'sim';
const DEFAULT_STEP_SECONDS = 60;

/** Runs one sweep to its end on the simulated clock. */
export async function simulateSweep(options: SimulationOptions): Promise<SimulationResult> {
  const { objective, trials, workers, seed } = options;
  const config = {
    method: options.method,
    metric: { name: 'objective', goal: objective.goal },
    parameters: objective.parameters,
    run_cap: trials,
    parallelism: workers,
    seed,
    trainer: { name: 'simulated' },
    ...(options.pruner !== undefined && { pruner: options.pruner }),
    ...(options.earlyTerminate !== undefined && { early_terminate: options.earlyTerminate }),
  };
  const limits = { ...DEFAULT_LIMITS, maxParallelism: Math.max(workers, 1) };
  const { spec, sampler } = validateSweep(JSON.stringify(config), 'json', limits);

  let now = 0;
  const clock = () => now;
  const store = new MemoryStore({ eventLogCap: 1_000_000_000 });
  await store.createSweep({ id: SWEEP_ID, spec, sampler, warnings: [], now });
  const queue = new JobQueue();
  const scheduler = new SweepScheduler({
    store,
    queueFor: () => queue,
    suggester: new InlineSuggester(),
    logger: createLogger('simulator', 'silent'),
    clock,
    maxTrialsPerSecond: Number.MAX_SAFE_INTEGER,
  });
  const pruner = createPruner({ spec: spec.pruner, goal: spec.metric.goal, seed: spec.seed });
  const stepSeconds = objective.stepSeconds ?? (() => DEFAULT_STEP_SECONDS);

  const running: (Running | undefined)[] = new Array(workers).fill(undefined);
  const events = new EventQueue();
  let steps = 0;
  let promotions = 0;
  let bestFinal: number | undefined;
  let oracleBest: number | undefined;
  const bestSoFar: BestSoFar[] = [];
  const oracleSeen = new Set<number>();
  const better = (a: number, b: number) => (objective.goal === 'minimize' ? a < b : a > b);

  /** Gives idle workers the queued jobs, oldest first. */
  const dispatch = async () => {
    for (let w = 0; w < workers; w++) {
      while (!running[w]) {
        const job = queue.take();
        if (!job) return;
        const trial = await startJob(job, w);
        if (trial) {
          running[w] = trial;
          events.push(now + stepSeconds(trial.params), w);
        }
      }
    }
  };

  const startJob = async (job: QueuedJob, worker: number): Promise<Running | undefined> => {
    const { number, params } = job.data;
    const start = await store.startTrial(SWEEP_ID, number, {
      workerId: `w${worker}`,
      jobId: job.id,
      now,
    });
    if (!start.ok) return undefined;
    if (!oracleSeen.has(number)) {
      oracleSeen.add(number);
      const final = objective.curve(params, objective.maxSteps, seed);
      if (oracleBest === undefined || better(final, oracleBest)) oracleBest = final;
    }
    const losses: StepValue[] = [];
    let step = 0;
    if (start.checkpoint) {
      const kept = await store.resumeFromCheckpoint(
        SWEEP_ID,
        number,
        start.attempt,
        start.checkpoint,
      );
      if (kept) {
        promotions += 1;
        step = start.checkpoint.step;
        for (const r of kept) {
          const value = r.metrics.objective;
          if (value !== undefined)
            losses.push({ step: r.step, loss: toLoss(value, spec.metric.goal) });
        }
      }
    }
    return { number, attempt: start.attempt, params, step, losses };
  };

  /** One step of the trial on worker `w`; true when the trial ended (the slot is free). */
  const advance = async (w: number): Promise<boolean> => {
    const trial = running[w]!;
    trial.step += 1;
    steps += 1;
    const { number, attempt, step } = trial;
    const value = objective.curve(trial.params, step, seed);
    trial.losses.push({ step, loss: toLoss(value, spec.metric.goal) });
    const context = { trial: number, step, reports: trial.losses };
    const query = pruner?.query(context) ?? null;
    const metric = spec.metric;
    const outcome = await store.report(
      SWEEP_ID,
      number,
      attempt,
      { step, metrics: { objective: value }, at: now },
      query ? { metric, query } : { metric },
    );
    if (outcome.state !== 'running') return true;
    const decision =
      pruner && query && outcome.peers
        ? pruner.decide({
            ...context,
            peers: outcome.peers,
            completedTrials: outcome.completedTrials,
          })
        : undefined;
    if (decision?.action === 'prune') {
      await store.finishTrial(SWEEP_ID, number, attempt, {
        state: 'pruned',
        value,
        pruneReason: decision.reason,
        now,
      });
      return true;
    }
    if (decision?.action === 'pause') {
      await store.recordCheckpoint(SWEEP_ID, number, attempt, { path: 'sim', step, now });
      await store.pauseTrial(SWEEP_ID, number, attempt, now, decision.reason);
      return true;
    }
    if (step < objective.maxSteps) return false;
    await store.finishTrial(SWEEP_ID, number, attempt, {
      state: 'completed',
      value,
      now,
      curve: trial.losses,
    });
    if (bestFinal === undefined || better(value, bestFinal)) {
      bestFinal = value;
      bestSoFar.push({ seconds: now, value });
    }
    return true;
  };

  await scheduler.reconcile(SWEEP_ID);
  await dispatch();
  for (;;) {
    const next = events.pop();
    if (!next) {
      // Nothing runs: the scheduler either ends the sweep or has work no worker took (a bug).
      await scheduler.reconcile(SWEEP_ID);
      await dispatch();
      if (events.size === 0) break;
      continue;
    }
    now = next.time;
    const w = next.worker;
    if (await advance(w)) {
      running[w] = undefined;
      await scheduler.reconcile(SWEEP_ID);
      await dispatch();
    } else {
      events.push(now + stepSeconds(running[w]!.params), w);
    }
  }
  const status = await store.sweepStatus(SWEEP_ID);
  if (status?.state !== 'completed') {
    throw new Error(
      `simulation stalled: sweep ${status?.state}, counts ${JSON.stringify(status?.counts)}`,
    );
  }
  const { completed, pruned } = status.counts;
  return {
    steps,
    completed,
    pruned,
    bestFinal,
    oracleBest: oracleBest ?? Number.NaN,
    seconds: now,
    bestSoFar,
    promotions,
  };
}

/** A trial on a simulated worker. */
interface Running {
  number: number;
  attempt: number;
  params: Params;
  /** The last step run. */
  step: number;
  losses: StepValue[];
}

interface QueuedJob {
  id: string;
  data: TrialJob;
}

/** The queue the scheduler enqueues into: first in, first out; a job id is added once. */
class JobQueue implements TrialQueue {
  private readonly waiting: QueuedJob[] = [];
  private readonly known = new Set<string>();

  async addBulk(jobs: { name: string; data: TrialJob; opts?: { jobId?: string } }[]) {
    for (const job of jobs) {
      const id = job.opts?.jobId ?? `${job.data.trialId}`;
      if (this.known.has(id)) continue;
      this.known.add(id);
      this.waiting.push({ id, data: job.data });
    }
    return [] as never;
  }

  async getJobState(jobId: string) {
    return this.known.has(jobId) ? ('active' as const) : ('unknown' as const);
  }

  async remove(jobId: string) {
    const i = this.waiting.findIndex((j) => j.id === jobId);
    if (i >= 0) this.waiting.splice(i, 1);
    return i >= 0 ? 1 : 0;
  }

  take(): QueuedJob | undefined {
    return this.waiting.shift();
  }
}

/** A binary min-heap of (time, worker): the next step to finish, ties by worker. */
class EventQueue {
  private readonly heap: { time: number; worker: number }[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(time: number, worker: number): void {
    const h = this.heap;
    h.push({ time, worker });
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): { time: number; worker: number } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: { time: number; worker: number }, b: { time: number; worker: number }) {
  return a.time < b.time || (a.time === b.time && a.worker < b.worker);
}
