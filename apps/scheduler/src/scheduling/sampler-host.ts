/**
 * Where suggestions are made: one sampler instance and one history per sweep, extended by the
 * trials that finished since the last suggestion (never re-sent whole), so the samplers' caches
 * stay warm. Runs inside the suggestion thread (suggest-thread.ts), or inline in tests and the
 * simulator; both give the same points.
 */
import {
  buildSpace,
  createRandomSampler,
  createRng,
  type FinishedTrial,
  type ParameterSpecs,
  type Point,
  type Sampler,
  type SearchSpace,
} from '@rung/search';
import { createSampler } from './sampler-choice.js';

/** One suggestion for one sweep. */
export interface SuggestRequest {
  sweepId: string;
  /** The sweep's sampler and space; needed on the first request and after a reset. */
  setup?: { sampler: string; parameters: ParameterSpecs };
  /** Replace the history with `finished` (the scheduler rebuilt the sweep from its records). */
  reset: boolean;
  /** Trials that finished since the last request (any order). */
  finished: FinishedTrial[];
  /** Points of the sweep's queued, running and paused trials. */
  pending: Point[];
  seed: number;
  trialNumber: number;
}

export interface SuggestResult {
  /** The point, or null when the space is exhausted (grid). */
  point: Point | null;
  /** Set when the sampler failed and the point was drawn at random instead: the error. */
  fallback?: string;
  /** Milliseconds the sampler took. */
  ms: number;
}

const FALLBACK_SAMPLER = createRandomSampler();

interface Hosted {
  space: SearchSpace;
  sampler: Sampler;
  /** Finished trials in trial-number order, as the samplers want them. */
  history: FinishedTrial[];
}

export class SamplerHost {
  private readonly sweeps = new Map<string, Hosted>();

  suggest(req: SuggestRequest): SuggestResult {
    let hosted = this.sweeps.get(req.sweepId);
    if (req.setup) {
      hosted = {
        space: buildSpace(req.setup.parameters),
        sampler: createSampler(req.setup.sampler),
        history: hosted && !req.reset ? hosted.history : [],
      };
      this.sweeps.set(req.sweepId, hosted);
    }
    if (!hosted) throw new Error(`sweep ${req.sweepId}: first suggestion without its setup`);
    if (req.reset) hosted.history = [];
    if (!hosted.sampler.ignoresHistory) {
      for (const record of req.finished) insertByNumber(hosted.history, record);
    }

    const ctx = {
      space: hosted.space,
      history: hosted.history,
      pending: req.pending,
      rng: createRng(req.seed, req.trialNumber),
      seed: req.seed,
      trialNumber: req.trialNumber,
    };
    const started = performance.now();
    try {
      const point = hosted.sampler.suggest(ctx);
      return { point, ms: performance.now() - started };
    } catch (err) {
      // A model-based sampler that fails (numerics, a bug) must not stall the sweep: this one
      // trial is drawn at random from the same seeded stream, and the caller logs the failure.
      const point = FALLBACK_SAMPLER.suggest({ ...ctx, rng: createRng(req.seed, req.trialNumber) });
      return {
        point,
        fallback: String((err as Error)?.stack ?? err),
        ms: performance.now() - started,
      };
    }
  }

  /** Drops a sweep that ended (or that this scheduler no longer leads). */
  forget(sweepId: string): void {
    this.sweeps.delete(sweepId);
  }

  /** Trials held in memory, for tests and memory figures. */
  historySize(sweepId: string): number {
    return this.sweeps.get(sweepId)?.history.length ?? 0;
  }
}

/** Inserts `record` keeping `history` sorted by trial number (a number seen again replaces it). */
function insertByNumber(history: FinishedTrial[], record: FinishedTrial): void {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.number < record.number) lo = mid + 1;
    else hi = mid;
  }
  if (history[lo]?.number === record.number) history[lo] = record;
  else history.splice(lo, 0, record);
}
