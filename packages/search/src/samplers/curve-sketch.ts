/**
 * A trial's learning curve, thinned to what a multi-fidelity sampler needs: the loss at steps
 * that at least double (1, 2, 4, 8, … for a report every step; 100, 200, 400, … for one every
 * hundred) and at the last step reported. O(log steps) points a trial, however often it reports,
 * so a scheduler can keep one per active trial.
 */
import type { StepValue } from '../pruners/pruner.js';

/** A trial's thinned curve: `kept` steps at least double each other; `last` is the newest report. */
export interface CurveSketch {
  readonly kept: StepValue[];
  last: StepValue | undefined;
}

export function emptySketch(): CurveSketch {
  return { kept: [], last: undefined };
}

/**
 * Adds a report. A step at or below ones already kept comes from a newer attempt (rerun from its
 * checkpoint, or from the start): it replaces what the older attempt reported from there on.
 */
export function addToSketch(sketch: CurveSketch, report: StepValue): void {
  if (!Number.isFinite(report.loss)) return;
  const { kept } = sketch;
  while (kept.length > 0 && kept.at(-1)!.step >= report.step) kept.pop();
  const previous = kept.at(-1);
  if (previous === undefined || report.step >= 2 * previous.step) kept.push(report);
  sketch.last = report;
}

/** The sketch as a curve: the kept points, then the last report (ascending steps). */
export function sketchCurve(sketch: CurveSketch): StepValue[] {
  const { kept, last } = sketch;
  if (last === undefined) return kept.slice();
  const before = kept.filter((p) => p.step < last.step);
  return [...before, last];
}
