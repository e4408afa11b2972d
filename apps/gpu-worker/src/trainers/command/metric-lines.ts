/**
 * Metrics a command trainer's program prints, without a sidecar: JSON lines
 * (`{"step": 3, "val_loss": 0.31}`), or Katib-style `name=value` pairs found by a regular
 * expression. Pure: one line in, at most one report out.
 */

/**
 * The final metrics a line carries as `{"summary": {…}}` (what the `wandb` shim writes at the end:
 * W&B sweeps judge a run by its summary), or undefined.
 */
export function parseSummaryLine(line: string): Record<string, number> | undefined {
  const text = line.trim();
  if (!text.startsWith('{"summary"')) return undefined;
  try {
    const { summary } = JSON.parse(text) as { summary?: unknown };
    if (!summary || typeof summary !== 'object' || Array.isArray(summary)) return undefined;
    const numbers = Object.entries(summary).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
    );
    return numbers.length > 0 ? Object.fromEntries(numbers) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The step a `{"checkpoint": {"step": N}}` line announces (what the helper's `checkpoint_saved`
 * writes: the checkpoint folder holds the state after step N), or undefined.
 */
export function parseCheckpointLine(line: string): number | undefined {
  const text = line.trim();
  if (!text.startsWith('{"checkpoint"')) return undefined;
  try {
    const { checkpoint } = JSON.parse(text) as { checkpoint?: { step?: unknown } };
    const step = checkpoint?.step;
    return Number.isSafeInteger(step) && (step as number) >= 0 ? (step as number) : undefined;
  } catch {
    return undefined;
  }
}

/** Katib's default metrics regex: `name=value` pairs, the value a number. */
export const KATIB_METRIC_REGEX = '([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)';

/** The keys a line's step may be under, in this order; only that one key is taken as the step. */
const STEP_KEYS = ['step', '_step', 'epoch', 'iteration'];

export interface LineReport {
  /** The line's step, when it names one. */
  step?: number;
  metrics: Record<string, number>;
}

/**
 * A report from one line, or undefined. JSON objects give their finite numeric fields; with
 * `regex`, lines that are not JSON give their `name=value` pairs (group 1 the name, group 2 the
 * value). A line with no metric is no report.
 */
export function parseMetricLine(line: string, regex?: RegExp): LineReport | undefined {
  const text = line.trim();
  if (text.startsWith('{') && text.endsWith('}')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return fromPairs(Object.entries(parsed as Record<string, unknown>));
    }
  }
  if (!regex) return undefined;
  const pairs: [string, unknown][] = [];
  for (const m of text.matchAll(
    new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`),
  )) {
    if (m[1] && m[2] !== undefined && m[2] !== '') pairs.push([m[1], Number(m[2])]);
  }
  return fromPairs(pairs);
}

function fromPairs(pairs: [string, unknown][]): LineReport | undefined {
  const isStep = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const stepKey = STEP_KEYS.find((key) => pairs.some(([name, v]) => name === key && isStep(v)));
  let step: number | undefined;
  const metrics: Record<string, number> = {};
  for (const [name, value] of pairs) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (name === stepKey) step = value;
    else metrics[name] = value;
  }
  if (Object.keys(metrics).length === 0) return undefined;
  return step === undefined ? { metrics } : { step, metrics };
}
