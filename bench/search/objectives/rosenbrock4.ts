/** Rosenbrock 4-D on [−2, 2]⁴: Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, 1, 1, 1). */
import type { Objective } from '../objective.js';

/** Rosenbrock at x (any dimension ≥ 2). */
export function rosenbrock(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    sum += 100 * a * a + b * b;
  }
  return sum;
}

const names = ['x0', 'x1', 'x2', 'x3'];

/** Rosenbrock 4-D as a benchmark objective (100 trials). */
const objective: Objective = {
  name: 'rosenbrock4',
  parameters: Object.fromEntries(
    names.map((n) => [n, { distribution: 'uniform' as const, min: -2, max: 2 }]),
  ),
  goal: 'minimize',
  optimum: 0,
  budget: 100,
  evaluate: (p) => rosenbrock(names.map((n) => p[n] as number)),
};
export default objective;
