/** Ackley 5-D on [−32.768, 32.768]⁵ (a = 20, b = 0.2, c = 2π): minimum 0 at the origin. */
import type { Objective } from '../objective.js';

/** Ackley at x (any dimension). */
export function ackley(x: readonly number[]): number {
  const d = x.length;
  let squares = 0;
  let cosines = 0;
  for (const v of x) {
    squares += v * v;
    cosines += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(squares / d)) - Math.exp(cosines / d) + 20 + Math.E;
}

const names = ['x0', 'x1', 'x2', 'x3', 'x4'];

/** Ackley 5-D as a benchmark objective (100 trials). */
const objective: Objective = {
  name: 'ackley5',
  parameters: Object.fromEntries(
    names.map((n) => [n, { distribution: 'uniform' as const, min: -32.768, max: 32.768 }]),
  ),
  goal: 'minimize',
  optimum: 0,
  budget: 100,
  evaluate: (p) => ackley(names.map((n) => p[n] as number)),
};
export default objective;
