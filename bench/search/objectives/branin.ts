/** Branin–Hoo on [−5, 10] × [0, 15]: three global minima of 0.397887, one at (π, 2.275). */
import type { Objective } from '../objective.js';

const B = 5.1 / (4 * Math.PI * Math.PI);
const C = 5 / Math.PI;
const T = 1 / (8 * Math.PI);

/** Branin x1, x2; the value at any of its three minimizers. */
export function branin(x1: number, x2: number): number {
  const u = x2 - B * x1 * x1 + C * x1 - 6;
  return u * u + 10 * (1 - T) * Math.cos(x1) + 10;
}

/** Branin as a benchmark objective (50 trials, as in the Optuna baseline). */
const objective: Objective = {
  name: 'branin',
  parameters: {
    x1: { distribution: 'uniform', min: -5, max: 10 },
    x2: { distribution: 'uniform', min: 0, max: 15 },
  },
  goal: 'minimize',
  optimum: 0.397887,
  budget: 50,
  evaluate: (p) => branin(p.x1 as number, p.x2 as number),
};
export default objective;
