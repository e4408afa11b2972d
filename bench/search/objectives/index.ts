/** The five public test functions of the Optuna baseline, by name. */
import type { Objective } from '../objective.js';
import ackley5 from './ackley5.js';
import branin from './branin.js';
import hartmann6 from './hartmann6.js';
import rosenbrock4 from './rosenbrock4.js';
import styblinski4 from './styblinski4.js';

/** Built-in objectives in the order the baseline's tables list them. */
export const BUILTIN_OBJECTIVES: Readonly<Record<string, Objective>> = {
  branin,
  hartmann6,
  rosenbrock4,
  ackley5,
  styblinski4,
};
