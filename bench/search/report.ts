/**
 * Benchmark results as people read them: an aligned text report for one run (ours beside
 * Optuna's figures, with ratios) and a markdown table for a suite of runs.
 */
import type { BenchmarkResult } from './harness.js';
import {
  OPTUNA_EQUIVALENT,
  OPTUNA_PARALLEL_SAMPLERS,
  OPTUNA_PARALLEL_WORKERS,
  OPTUNA_RANDOM_ASK_MS,
  OPTUNA_SEQUENTIAL_SAMPLERS,
  OPTUNA_TPE_ASK_MS,
  type OptunaSequentialFigures,
  optunaParallel,
  optunaSequential,
} from './optuna-baseline.js';

/** Four significant digits, exponent form outside [1e-3, 1e5); '—' for a missing figure. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** Milliseconds to three significant digits, without exponents for sub-microsecond figures. */
export function fmtMs(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return Number(x.toPrecision(3)).toString();
}

/** ours / theirs to two decimals, or '—' when either is missing or theirs is 0. */
export function ratio(ours: number | null | undefined, theirs: number | null | undefined): string {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined) return '—';
  if (theirs === 0 || !Number.isFinite(ours / theirs)) return '—';
  return (ours / theirs).toFixed(2);
}

/** Columns padded to their widest cell; the first column left-aligned, the others right. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/** A GitHub markdown table. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A difference with its sign, to two decimals: `+0.73`, `-0.12`. */
function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}

function workersLabel(parallel: number): string {
  return parallel === 1 ? 'sequential' : `${parallel} asynchronous workers`;
}

/**
 * The human report of one benchmark: regret at each checkpoint beside Optuna's samplers on the
 * same objective (when it is one of the baseline's five), the ratio to Optuna TPE, duplicates and
 * suggestion latency; with P = 8, also the 8-worker baseline.
 * @param seconds wall time of the run, shown in the heading
 */
export function formatRunReport(result: BenchmarkResult, seconds?: number): string {
  const { objective, sampler, trials, seeds, parallel, optimum } = result;
  const out: string[] = [];
  const took = seconds === undefined ? '' : ` (${seconds.toFixed(1)} s)`;
  out.push(
    `${objective} · ${sampler} · ${trials} trials × ${seeds} seeds · ${workersLabel(parallel)}` +
      ` · optimum ${optimum ?? 'unknown'}${took}`,
  );
  if (optimum === null) {
    out.push('No optimum known: figures are the median best value found, not regret.');
  }
  out.push('');

  const what = optimum === null ? 'median best value' : 'median regret';
  const optuna = optunaSequential(objective);
  const columns = optuna ? OPTUNA_SEQUENTIAL_SAMPLERS.filter((s) => optuna[s.key]) : [];
  const tpe = optuna?.tpe;
  const rows: string[][] = [
    ['', 'ours', ...columns.map((s) => `Optuna ${s.label}`), ...(tpe ? ['ours / Optuna TPE'] : [])],
  ];
  for (const [k, ours] of Object.entries(result.medianRegretAt)) {
    const theirs = columns.map((s) => optuna?.[s.key]?.median_regret_at[k]);
    rows.push([
      `${what} after ${k}`,
      fmt(ours),
      ...theirs.map(fmt),
      ...(tpe ? [ratio(ours, tpe.median_regret_at[k])] : []),
    ]);
  }
  if (optimum !== null) {
    // Optuna's mean log10 is over its own budget; beside a different budget it would mislead.
    const same = (budget: number | undefined) => budget === trials;
    const log = result.meanLog10RegretFinal;
    rows.push([
      'mean log10 final regret',
      fmt(log),
      ...columns.map((s) => {
        const f = optuna?.[s.key];
        return f && same(f.budget) ? fmt(f.mean_log10_regret_final) : '—';
      }),
      ...(tpe
        ? [
            log !== null && same(tpe.budget)
              ? `Δ ${signed(log - tpe.mean_log10_regret_final)}`
              : '—',
          ]
        : []),
    ]);
  }
  out.push(textTable(rows));
  if (optuna) {
    const budget = optuna.tpe?.budget ?? Object.values(optuna)[0]?.budget;
    const notes = ['Optuna 3.1: 20 seeds, sequential'];
    if (budget !== trials) notes.push(`its budget is ${budget} trials, ours ${trials}`);
    const equivalent = OPTUNA_EQUIVALENT[sampler];
    if (equivalent) {
      const label = OPTUNA_SEQUENTIAL_SAMPLERS.find((s) => s.key === equivalent)?.label;
      notes.push(`same algorithm as ours: Optuna ${label}`);
    }
    out.push(`(${notes.join('; ')}.)`);
  }

  const p8 = parallel === OPTUNA_PARALLEL_WORKERS ? optunaParallel(objective) : undefined;
  if (p8) {
    const final = result.medianRegretAt[String(trials)];
    const cols = OPTUNA_PARALLEL_SAMPLERS.filter((s) => p8[s.key]);
    const comparable = cols.every((s) => p8[s.key]!.budget === trials);
    out.push('');
    out.push(
      textTable([
        [
          `${parallel} workers`,
          'ours',
          ...cols.map((s) => `Optuna ${s.label}`),
          ...cols.map((s) => `ours / ${s.label}`),
        ],
        [
          `${what} after ${trials}`,
          fmt(final),
          ...cols.map((s) => (comparable ? fmt(p8[s.key]!.median_regret_final) : '—')),
          ...cols.map((s) => (comparable ? ratio(final, p8[s.key]!.median_regret_final) : '—')),
        ],
        [
          'duplicate suggestions',
          String(result.duplicateSuggestions),
          ...cols.map((s) => String(p8[s.key]!.duplicate_suggestions)),
        ],
      ]),
    );
    if (!comparable) {
      const budget = cols.map((s) => p8[s.key]!.budget)[0];
      out.push(`(Optuna's 8-worker figures are for ${budget} trials, ours ${trials}.)`);
    }
  } else {
    out.push('');
    out.push(`duplicate suggestions: ${result.duplicateSuggestions} (over all seeds)`);
  }

  const { p50, p95, atTrial } = result.suggestMs;
  const counts = Object.keys(atTrial);
  out.push('');
  out.push(
    textTable([
      ['suggest ms', 'p50', 'p95', ...counts.map((k) => `${k} done`)],
      ['ours', fmtMs(p50), fmtMs(p95), ...counts.map((k) => fmtMs(atTrial[k]))],
      ...(counts.length === 0
        ? []
        : [['Optuna TPE ask(), 6-D', '', '', ...counts.map((k) => fmtMs(OPTUNA_TPE_ASK_MS[k]))]]),
    ]),
  );
  out.push(
    counts.length === 0
      ? `(Latency by history size needs more than 100 trials; Optuna TPE's ask() takes 16 ms with 100 done, random ~${OPTUNA_RANDOM_ASK_MS}.)`
      : `(Optuna random's ask(): ~${OPTUNA_RANDOM_ASK_MS} ms.)`,
  );
  return out.join('\n');
}

/** Canonical row order: the baseline's objectives first, in its order. */
const OBJECTIVE_ORDER = ['branin', 'hartmann6', 'rosenbrock4', 'ackley5', 'styblinski4'];

/**
 * One markdown table for a set of results with the same worker count: a row per
 * (objective, sampler), ours beside Optuna's figures for the same budget. Sequential results are
 * compared with Optuna's same algorithm and TPE; 8-worker results with Optuna's 8-worker TPE.
 * @param samplerOrder sampler names in the order rows should list them
 */
export function suiteMarkdown(
  results: readonly BenchmarkResult[],
  samplerOrder: readonly string[] = [],
): string {
  const rank = (list: readonly string[], name: string) => {
    const i = list.indexOf(name);
    return i < 0 ? list.length : i;
  };
  const sorted = [...results].sort(
    (a, b) =>
      rank(OBJECTIVE_ORDER, a.objective) - rank(OBJECTIVE_ORDER, b.objective) ||
      a.objective.localeCompare(b.objective) ||
      rank(samplerOrder, a.sampler) - rank(samplerOrder, b.sampler) ||
      a.sampler.localeCompare(b.sampler),
  );
  const parallel = sorted[0]?.parallel ?? 1;
  if (sorted.some((r) => r.parallel !== parallel)) {
    throw new Error(
      'suiteMarkdown: results with different worker counts belong in separate tables',
    );
  }
  const final = (r: BenchmarkResult) => r.medianRegretAt[String(r.trials)] ?? null;
  const ms = (r: BenchmarkResult) => `${fmtMs(r.suggestMs.p50)} / ${fmtMs(r.suggestMs.p95)}`;
  // Cells of regret without an optimum would be best values: mark them so nobody reads them as regret.
  const mark = (r: BenchmarkResult, x: number | null) =>
    r.optimum === null ? `${fmt(x)} (best value)` : fmt(x);

  if (parallel === 1) {
    const header = [
      'function',
      'trials',
      'sampler',
      'seeds',
      'median regret at N/2',
      'median final regret',
      'mean log10 final regret',
      'Optuna, same algorithm',
      'Optuna TPE',
      'ours / Optuna TPE',
      'duplicates',
      'suggest ms p50 / p95',
    ];
    const rows = sorted.map((r) => {
      const optuna = optunaSequential(r.objective);
      // Optuna's figure at N is only comparable when N is also Optuna's budget.
      const fits = (f: OptunaSequentialFigures | undefined) =>
        f && f.budget === r.trials ? f : undefined;
      const tpe = fits(optuna?.tpe);
      const equivalent = OPTUNA_EQUIVALENT[r.sampler];
      const same = equivalent ? fits(optuna?.[equivalent]) : undefined;
      const half = r.medianRegretAt[String(Math.floor(r.trials / 2))] ?? null;
      return [
        r.objective,
        String(r.trials),
        r.sampler,
        String(r.seeds),
        mark(r, half),
        mark(r, final(r)),
        fmt(r.meanLog10RegretFinal),
        fmt(same?.median_regret_at[String(r.trials)]),
        fmt(tpe?.median_regret_at[String(r.trials)]),
        ratio(final(r), tpe?.median_regret_at[String(r.trials)]),
        String(r.duplicateSuggestions),
        ms(r),
      ];
    });
    return markdownTable(header, rows);
  }

  const header = [
    'function',
    'trials',
    'sampler',
    'seeds',
    'workers',
    'median final regret',
    ...OPTUNA_PARALLEL_SAMPLERS.map((s) => `Optuna ${s.label}`),
    ...OPTUNA_PARALLEL_SAMPLERS.map((s) => `ours / ${s.label}`),
    'duplicates',
    'suggest ms p50 / p95',
  ];
  const rows = sorted.map((r) => {
    const p8 = parallel === OPTUNA_PARALLEL_WORKERS ? optunaParallel(r.objective) : undefined;
    const theirs = OPTUNA_PARALLEL_SAMPLERS.map((s) => {
      const f = p8?.[s.key];
      return f && f.budget === r.trials ? f.median_regret_final : undefined;
    });
    return [
      r.objective,
      String(r.trials),
      r.sampler,
      String(r.seeds),
      String(r.parallel),
      mark(r, final(r)),
      ...theirs.map(fmt),
      ...theirs.map((t) => ratio(final(r), t)),
      String(r.duplicateSuggestions),
      ms(r),
    ];
  });
  return markdownTable(header, rows);
}
