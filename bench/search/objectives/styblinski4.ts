/** Styblinski–Tang 4-D on [−5, 5]⁴: ½ Σ (x⁴ − 16x² + 5x), minimum −156.66468 at x_i ≈ −2.903534. */
import type { Objective } from '../objective.js';

/** The coordinate of the minimizer in every dimension. */
export const STYBLINSKI_ARGMIN = -2.903534;

/** Styblinski–Tang at x (any dimension). */
export function styblinskiTang(x: readonly number[]): number {
  let sum = 0;
  for (const v of x) sum += v ** 4 - 16 * v * v + 5 * v;
  return sum / 2;
}

const names = ['x0', 'x1', 'x2', 'x3'];

/** Styblinski–Tang 4-D as a benchmark objective (100 trials). */
const objective: Objective = {
  name: 'styblinski4',
  parameters: Object.fromEntries(
    names.map((n) => [n, { distribution: 'uniform' as const, min: -5, max: 5 }]),
  ),
  goal: 'minimize',
  optimum: -156.66468,
  budget: 100,
  evaluate: (p) => styblinskiTang(names.map((n) => p[n] as number)),
};
export default objective;
