/**
 * `npm run bench:prune -- [--samplers random,tpe] [--pruners none,median] [--trials N] [--seeds S]
 * [--out file.json]`: our pruners on lc-mlp with the protocol of the Optuna 3.1 pruner run
 * (shared/bench, "Pruning: Optuna 3.1 pruners on a learning-curve objective"), printed beside it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createMedianPruner,
  createRandomSampler,
  createTpeSampler,
  type Pruner,
  type Sampler,
} from '@rung/search';
import { list, positiveInt, progress, runMain, writeText } from '../search/cli.js';
import { createNoPruner, type PruneBenchResult, runPruneBenchmark } from './harness.js';
import lcMlp from './objectives/lc-mlp.mjs';

const SAMPLERS: Readonly<Record<string, () => Sampler>> = {
  random: createRandomSampler,
  tpe: () => createTpeSampler(),
};

/** Our pruners, keyed by the names the Optuna baseline uses (Optuna defaults throughout). */
const PRUNERS: Readonly<Record<string, () => Pruner>> = {
  none: createNoPruner,
  median: () => createMedianPruner(),
};

const OPTUNA_NAMES: Readonly<Record<string, string>> = {
  none: 'none',
  median: 'MedianPruner()',
};

interface OptunaFigures {
  readonly compute_fraction_median: number;
  readonly regret_median: number;
  readonly regret_mean: number;
  readonly best_final_median: number;
  readonly best_final_mean: number;
}

interface OptunaBaseline {
  readonly peer: string;
  readonly results: Readonly<Record<string, Readonly<Record<string, OptunaFigures>>>>;
}

const USAGE = `usage: npm run bench:prune -- [--samplers random,tpe] [--pruners none,median]
         [--trials N] [--seeds S] [--out file.json]

  --samplers  ${Object.keys(SAMPLERS).join(', ')} (default: all)
  --pruners   ${Object.keys(PRUNERS).join(', ')} (default: all)
  --trials    trials per seed (default 100, as in the Optuna run)
  --seeds     seeds 0..S-1 (default 20, as in the Optuna run)
  --out       also write the results (and Optuna's) as JSON to this file`;

function loadOptuna(): OptunaBaseline {
  const url = new URL('./baselines/optuna-3.1-prune-lc-mlp.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as OptunaBaseline;
}

function pick(flag: string, value: string | undefined, known: Readonly<Record<string, unknown>>) {
  const names = list(value) ?? Object.keys(known);
  for (const name of names) {
    if (!Object.hasOwn(known, name)) {
      throw new Error(`--${flag}: unknown "${name}", use ${Object.keys(known).join(', ')}`);
    }
  }
  return names;
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined) =>
  x === undefined ? '—' : x === null ? 'n/a' : x === 0 ? '0' : x.toFixed(4);

/** A markdown table: each figure as "ours / Optuna". */
function formatTable(results: readonly PruneBenchResult[], optuna: OptunaBaseline): string {
  const rows = [
    '| sampler | pruner (Optuna) | compute | median regret | mean regret | median best final | mean pruned |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const o = optuna.results[r.sampler]?.[r.pruner];
    rows.push(
      `| ${r.sampler} | ${r.pruner} (${OPTUNA_NAMES[r.pruner] ?? '?'}) | ` +
        `${pct(r.computeFractionMedian)} / ${pct(o?.compute_fraction_median)} | ` +
        `${num(r.regretMedian)} / ${num(o?.regret_median)} | ` +
        `${num(r.regretMean)} / ${num(o?.regret_mean)} | ` +
        `${num(r.bestFinalMedian)} / ${num(o?.best_final_median)} | ${r.prunedMean.toFixed(1)} |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samplers: { type: 'string' },
      pruners: { type: 'string' },
      trials: { type: 'string' },
      seeds: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const samplers = pick('samplers', values.samplers, SAMPLERS);
  const pruners = pick('pruners', values.pruners, PRUNERS);
  const trials = positiveInt('trials', values.trials, 100);
  const seeds = positiveInt('seeds', values.seeds, 20);
  const optuna = loadOptuna();

  const start = performance.now();
  const results: PruneBenchResult[] = [];
  for (const samplerKey of samplers) {
    for (const prunerKey of pruners) {
      const result = runPruneBenchmark(lcMlp, SAMPLERS[samplerKey]!, PRUNERS[prunerKey]!, {
        trials,
        seeds,
        onSeedDone: progress(`${lcMlp.name}/${samplerKey}/${prunerKey}`),
      });
      results.push(result);
    }
  }
  const seconds = (performance.now() - start) / 1000;

  const note =
    trials === 100 && seeds === 20
      ? ''
      : `\n(Optuna's figures are for 100 trials × 20 seeds; this run: ${trials} × ${seeds}.)`;
  process.stdout.write(
    `${lcMlp.name}: ${trials} trials × ${lcMlp.maxSteps} epochs, ${seeds} seeds, sequential; ` +
      `ours / Optuna 3.1 (${seconds.toFixed(1)} s)\n\n` +
      `${formatTable(results, optuna)}${note}\n`,
  );
  if (values.out) {
    const path = writeText(
      values.out,
      `${JSON.stringify({ objective: lcMlp.name, trials, seeds, results, optuna }, null, 2)}\n`,
    );
    process.stderr.write(`wrote ${path}\n`);
  }
}

runMain(main);
