/** Hartmann 6-D on [0, 1]⁶ with the standard A, P and α; minimum −3.32237. */
import type { Objective } from '../objective.js';

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** The known minimizer (to six decimals), where the value is −3.32237. */
export const HARTMANN6_MINIMIZER = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];

/** Hartmann 6-D at x (six coordinates in [0, 1]). */
export function hartmann6(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) {
      const d = x[j]! - P[i]![j]!;
      inner += A[i]![j]! * d * d;
    }
    sum += ALPHA[i]! * Math.exp(-inner);
  }
  return -sum;
}

const names = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'];

/** Hartmann 6-D as a benchmark objective (100 trials). */
const objective: Objective = {
  name: 'hartmann6',
  parameters: Object.fromEntries(
    names.map((n) => [n, { distribution: 'uniform' as const, min: 0, max: 1 }]),
  ),
  goal: 'minimize',
  optimum: -3.32237,
  budget: 100,
  evaluate: (p) => hartmann6(names.map((n) => p[n] as number)),
};
export default objective;
