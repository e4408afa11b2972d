/**
 * `npm run bench:search -- --objective <name|path.mjs> --sampler <name> [--trials N] [--seeds S]
 * [--parallel P] [--out file.json]`: one sampler on one objective, printed beside Optuna 3.1.
 */
import { parseArgs } from 'node:util';
import { BAYES_GP_MAX_DIMENSIONS, BAYES_GP_MAX_TRIALS, buildSpace } from '@rung/search';
import { invocationDir, positiveInt, progress, runMain, userPath, writeText } from './cli.js';
import { runBenchmark } from './harness.js';
import { DEFAULT_BUDGET, loadObjective } from './objective.js';
import { BUILTIN_OBJECTIVES } from './objectives/index.js';
import { formatRunReport } from './report.js';
import { resolveSamplerName, SAMPLERS, samplerFactory } from './samplers.js';

const USAGE = `usage: npm run bench:search -- --objective <name|path.mjs> --sampler <name>
         [--trials N] [--seeds S] [--parallel P] [--out file.json]

  --objective  ${Object.keys(BUILTIN_OBJECTIVES).join(', ')}, or an objective module
               (default export { name, parameters, goal, optimum?, budget?, evaluate })
  --sampler    ${Object.keys(SAMPLERS).join(', ')}, or bayes (gp up to
               ${BAYES_GP_MAX_DIMENSIONS} dimensions and ${BAYES_GP_MAX_TRIALS} trials, tpe beyond, as a sweep's method: bayes)
  --trials     trials per seed (default: the objective's budget, else ${DEFAULT_BUDGET})
  --seeds      seeds 0..S-1 (default 20, as in the Optuna baseline)
  --parallel   trials in flight, oldest finishes first (default 1)
  --out        also write the result as JSON to this file`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      objective: { type: 'string' },
      sampler: { type: 'string' },
      trials: { type: 'string' },
      seeds: { type: 'string' },
      parallel: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.objective || !values.sampler) {
    process.stdout.write(`${USAGE}\n`);
    if (!values.help) process.exitCode = 1;
    return;
  }
  const objective = await loadObjective(values.objective, invocationDir());
  for (const w of objective.warnings ?? []) process.stderr.write(`${objective.name}: ${w}\n`);
  const trials = positiveInt('trials', values.trials, objective.budget ?? DEFAULT_BUDGET);
  const size = { dimensions: buildSpace(objective.parameters).dimensions.length, trials };
  const resolved = resolveSamplerName(values.sampler, size);
  if (resolved !== values.sampler) process.stderr.write(`${values.sampler}: using ${resolved}\n`);
  const factory = samplerFactory(resolved);
  const seeds = positiveInt('seeds', values.seeds, 20);
  const parallel = positiveInt('parallel', values.parallel, 1);

  const start = performance.now();
  const result = runBenchmark(objective, factory, {
    trials,
    seeds,
    parallel,
    samplerName: values.sampler,
    onSeedDone: progress(`${objective.name}/${values.sampler}`),
  });
  const seconds = (performance.now() - start) / 1000;

  process.stdout.write(`${formatRunReport(result, seconds)}\n`);
  if (values.out) {
    const path = writeText(userPath(values.out), `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`wrote ${path}\n`);
  }
}

runMain(main);
