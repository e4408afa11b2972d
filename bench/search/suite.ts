/**
 * `suite.ts [--samplers a,b] [--objectives x,y] [--seeds S] [--parallel P] [--trials N]
 * [--results-dir dir] [--out table.md] [--render]`: runs each sampler on each objective, keeps
 * each result as JSON in the results folder, and writes one markdown table (ours beside Optuna
 * 3.1) of every result in that folder with the same worker count. A suite can thus run in parts
 * (one sampler or objective at a time) and still give one table; `--render` only rebuilds it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSpace } from '@rung/search';
import { invocationDir, list, positiveInt, progress, runMain, userPath, writeText } from './cli.js';
import { type BenchmarkResult, runBenchmark } from './harness.js';
import { DEFAULT_BUDGET, loadObjective } from './objective.js';
import { BUILTIN_OBJECTIVES } from './objectives/index.js';
import { suiteMarkdown } from './report.js';
import { resolveSamplerName, SAMPLERS, samplerFactory } from './samplers.js';

/** Where results are kept between parts of a suite (git-ignored). */
export const DEFAULT_RESULTS_DIR = 'bench-results/search';

const USAGE = `usage: node --conditions=@rung/source --import tsx bench/search/suite.ts
         [--samplers a,b] [--objectives x,y] [--seeds S] [--parallel P] [--trials N]
         [--results-dir dir] [--out table.md] [--render]

  --samplers     default: all registered (${Object.keys(SAMPLERS).join(', ')})
  --objectives   names or module paths (default: ${Object.keys(BUILTIN_OBJECTIVES).join(', ')})
  --seeds        default 20; --parallel default 1; --trials default each objective's budget
  --results-dir  one JSON per (objective, sampler, workers, trials) (default ${DEFAULT_RESULTS_DIR})
  --out          write the markdown table here instead of stdout
  --render       run nothing; rebuild the table from the results folder`;

function resultFile(dir: string, r: BenchmarkResult): string {
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '_');
  return join(dir, `${safe(r.objective)}--${safe(r.sampler)}--p${r.parallel}--t${r.trials}.json`);
}

function readResults(dir: string, parallel: number): BenchmarkResult[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as BenchmarkResult)
    .filter((r) => r.parallel === parallel);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samplers: { type: 'string' },
      objectives: { type: 'string' },
      seeds: { type: 'string' },
      parallel: { type: 'string' },
      trials: { type: 'string' },
      'results-dir': { type: 'string' },
      out: { type: 'string' },
      render: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // grid needs a discrete space, which the built-in functions are not.
  const samplers = list(values.samplers) ?? Object.keys(SAMPLERS).filter((n) => n !== 'grid');
  const objectiveArgs = list(values.objectives) ?? Object.keys(BUILTIN_OBJECTIVES);
  const seeds = positiveInt('seeds', values.seeds, 20);
  const parallel = positiveInt('parallel', values.parallel, 1);
  const trialsOverride =
    values.trials === undefined ? undefined : positiveInt('trials', values.trials);
  const dir = values['results-dir'] ?? DEFAULT_RESULTS_DIR;

  if (!values.render) {
    // Resolve every name first, so a typo fails before minutes of runs rather than after.
    for (const name of samplers) resolveSamplerName(name, { dimensions: 1, trials: 1 });
    const objectives = await Promise.all(
      objectiveArgs.map((arg) => loadObjective(arg, invocationDir())),
    );
    for (const o of objectives) {
      for (const w of o.warnings ?? []) process.stderr.write(`${o.name}: ${w}\n`);
    }
    for (const objective of objectives) {
      const trials = trialsOverride ?? objective.budget ?? DEFAULT_BUDGET;
      const dimensions = buildSpace(objective.parameters).dimensions.length;
      for (const name of samplers) {
        const factory = samplerFactory(resolveSamplerName(name, { dimensions, trials }));
        const result = runBenchmark(objective, factory, {
          trials,
          seeds,
          parallel,
          samplerName: name,
          onSeedDone: progress(`${objective.name}/${name}`),
        });
        writeText(resultFile(dir, result), `${JSON.stringify(result, null, 2)}\n`);
      }
    }
  }

  const results = readResults(dir, parallel);
  if (results.length === 0) throw new Error(`no results with --parallel ${parallel} in ${dir}`);
  const table = `${suiteMarkdown(results, [...Object.keys(SAMPLERS), ...samplers])}\n`;
  if (values.out) process.stderr.write(`wrote ${writeText(userPath(values.out), table)}\n`);
  else process.stdout.write(table);
}

runMain(main);
