import type { Goal } from './sweep.js';

/**
 * The one place a metric is oriented: samplers, pruners and rung data all compare losses
 * (lower is better), so a maximized metric is negated on the way in.
 */
export function toLoss(value: number, goal: Goal): number {
  return goal === 'maximize' ? -value : value;
}

/** True when `a` is a better metric value than `b` under `goal`. */
export function isBetter(a: number, b: number, goal: Goal): boolean {
  return goal === 'maximize' ? a > b : a < b;
}
