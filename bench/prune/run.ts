/**
 * `npm run bench:prune -- [--objective lc-mlp|path.mjs] [--sampler random,tpe] [--pruner
 * none,median,asha|JSON] [--trials N] [--workers W] [--seeds S] [--out file.json]`: sweeps run by
 * the simulator with our early-stopping rules, printed beside Optuna 3.1's figures where the
 * shared baseline has them (lc-mlp; shared/bench, "Pruning: Optuna 3.1 pruners on a
 * learning-curve objective").
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { list, positiveInt, progress, runMain, userPath, writeText } from '../search/cli.js';
import {
  type LearningCurveObjective,
  type PruneBenchResult,
  runPruneBenchmark,
} from './harness.js';
import lcMlp from './objectives/lc-mlp.mjs';

const OBJECTIVES: Readonly<Record<string, LearningCurveObjective>> = { 'lc-mlp': lcMlp };

/**
 * Named settings. Those marked with an Optuna name replay that pruner's defaults as closely as
 * our rules allow; `asha` and `hyperband` are ours (promotion, ranked by the value extrapolated to
 * the next rung).
 */
const PRUNERS: Readonly<Record<string, { optuna?: string; spec: (maxSteps: number) => unknown }>> =
  {
    none: { optuna: 'none', spec: () => ({ type: 'none' }) },
    median: { optuna: 'median', spec: () => ({ type: 'median' }) },
    // Optuna's SuccessiveHalvingPruner(): min_resource 1, reduction_factor 4, stopping.
    sha: { optuna: 'sha', spec: () => ({ type: 'asha', mode: 'stop', min_steps: 1, eta: 4 }) },
    // Optuna's HyperbandPruner(1, 50, 3): brackets of stopping successive halving.
    'hyperband-stop': {
      optuna: 'hyperband',
      spec: (maxSteps) => ({
        type: 'hyperband',
        mode: 'stop',
        min_steps: 1,
        max_steps: maxSteps,
        eta: 3,
      }),
    },
    asha: {
      spec: (maxSteps) => ({
        type: 'asha',
        min_steps: 1,
        max_steps: maxSteps,
        eta: 2,
        rank_by: 'extrapolated',
      }),
    },
    hyperband: {
      spec: (maxSteps) => ({
        type: 'hyperband',
        min_steps: 1,
        max_steps: maxSteps,
        eta: 3,
        rank_by: 'extrapolated',
      }),
    },
  };

interface OptunaFigures {
  readonly compute_fraction_median: number;
  readonly regret_median: number;
  readonly regret_mean: number;
  readonly best_final_median: number;
}

interface OptunaBaseline {
  readonly results: Readonly<Record<string, Readonly<Record<string, OptunaFigures>>>>;
}

const USAGE = `usage: npm run bench:prune -- [--objective lc-mlp|path.mjs] [--sampler random,tpe]
         [--pruner none,median,asha|JSON] [--trials N] [--workers W] [--seeds S] [--out file.json]

  --objective  ${Object.keys(OBJECTIVES).join(', ')}, or a module exporting { name, parameters,
               goal, maxSteps, curve(params, step, seed), stepSeconds?(params) } (default lc-mlp)
  --sampler    sweep methods: random, tpe, gp, bayes, sobol, ... (default random)
  --pruner     ${Object.keys(PRUNERS).join(', ')} (default none,median,asha), or a sweep file's
               pruner as JSON, e.g. '{"type":"asha","min_steps":2,"eta":3}'
  --trials     configurations per sweep (default 100, as in the Optuna run)
  --workers    simulated workers (default 1, as in the Optuna run)
  --seeds      seeds 0..S-1 (default 20, as in the Optuna run)
  --out        also write the results as JSON to this file`;

async function loadObjective(value: string): Promise<LearningCurveObjective> {
  const known = OBJECTIVES[value];
  if (known) return known;
  if (!/\.[cm]?js$/.test(value)) {
    throw new Error(
      `--objective: unknown "${value}", use ${Object.keys(OBJECTIVES).join(', ')} or a .mjs path`,
    );
  }
  const module = (await import(pathToFileURL(userPath(value)).href)) as { default?: unknown };
  const o = module.default as Partial<LearningCurveObjective> | undefined;
  for (const key of ['name', 'parameters', 'goal', 'maxSteps', 'curve'] as const) {
    if (o?.[key] === undefined) throw new Error(`${value}: its default export lacks '${key}'`);
  }
  return o as LearningCurveObjective;
}

/** The settings named or written in `--pruner`: names from PRUNERS, or one JSON value. */
/** One setting to run: its label in the table, the sweep's `pruner`, and Optuna's name for it. */
interface Setting {
  label: string;
  spec: unknown;
  optuna?: string | undefined;
}

function pruners(value: string | undefined, maxSteps: number): Setting[] {
  if (value?.trim().startsWith('{') || value?.trim().startsWith('[')) {
    try {
      return [{ label: value, spec: JSON.parse(value) as unknown }];
    } catch (err) {
      throw new Error(`--pruner: not valid JSON (${(err as Error).message})`);
    }
  }
  return (list(value) ?? ['none', 'median', 'asha']).map((name) => {
    const preset = PRUNERS[name];
    if (!preset)
      throw new Error(
        `--pruner: unknown "${name}", use ${Object.keys(PRUNERS).join(', ')} or JSON`,
      );
    return { label: name, spec: preset.spec(maxSteps), optuna: preset.optuna };
  });
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined) =>
  x === undefined ? '—' : x === null ? 'n/a' : x === 0 ? '0' : x.toFixed(4);

interface Row {
  label: string;
  result: PruneBenchResult;
  optuna: OptunaFigures | undefined;
}

/** A markdown table; where Optuna ran the same setting, each figure as "ours / Optuna". */
function formatTable(rows: readonly Row[]): string {
  const out = [
    '| sampler | pruner | compute | median regret | mean regret | median best final | h to 1% | pruned | promoted |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const pair = (ours: string, theirs: string | undefined) =>
    theirs === undefined ? ours : `${ours} / ${theirs}`;
  for (const { label, result: r, optuna: o } of rows) {
    out.push(
      `| ${r.sampler} | ${label} | ${pair(pct(r.compute), o && pct(o.compute_fraction_median))} | ` +
        `${pair(num(r.medianRegret), o && num(o.regret_median))} | ` +
        `${pair(num(r.meanRegret), o && num(o.regret_mean))} | ` +
        `${pair(num(r.medianBestFinal), o && num(o.best_final_median))} | ` +
        `${num(r.simulatedHoursToWithin1pct)} | ${r.prunedMean.toFixed(1)} | ${r.promotionsMean.toFixed(1)} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      objective: { type: 'string' },
      sampler: { type: 'string' },
      pruner: { type: 'string' },
      trials: { type: 'string' },
      workers: { type: 'string' },
      seeds: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const objective = await loadObjective(values.objective ?? 'lc-mlp');
  const samplers = list(values.sampler) ?? ['random'];
  const settings = pruners(values.pruner, objective.maxSteps);
  const trials = positiveInt('trials', values.trials, 100);
  const workers = positiveInt('workers', values.workers, 1);
  const seeds = positiveInt('seeds', values.seeds, 20);
  const baseline =
    objective.name === 'lc-mlp' && trials === 100 && workers === 1
      ? (JSON.parse(
          readFileSync(
            new URL('./baselines/optuna-3.1-prune-lc-mlp.json', import.meta.url),
            'utf8',
          ),
        ) as OptunaBaseline)
      : undefined;

  const start = performance.now();
  const rows: Row[] = [];
  for (const sampler of samplers) {
    for (const { label, spec, optuna } of settings) {
      const result = await runPruneBenchmark(objective, {
        sampler,
        pruner: spec,
        trials,
        workers,
        seeds,
        onSeedDone: progress(`${objective.name}/${sampler}/${label}`),
      });
      rows.push({
        label,
        result,
        optuna: optuna ? baseline?.results[sampler]?.[optuna] : undefined,
      });
    }
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(
    `${objective.name}: ${trials} configurations × ${objective.maxSteps} steps, ${workers} worker(s), ` +
      `${seeds} seeds, simulated clock${baseline ? '; ours / Optuna 3.1 where it ran the same rule' : ''} ` +
      `(${seconds.toFixed(1)} s)\n\n${formatTable(rows)}\n`,
  );
  if (values.out) {
    const results = rows.map(({ result }) => {
      const { runs: _runs, ...summary } = result as PruneBenchResult & { runs?: unknown };
      return summary;
    });
    const path = writeText(userPath(values.out), `${JSON.stringify(results, null, 2)}\n`);
    process.stderr.write(`wrote ${path}\n`);
  }
}

runMain(main);
