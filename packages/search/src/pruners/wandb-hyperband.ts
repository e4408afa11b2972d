/**
 * W&B's `early_terminate: hyperband`, as W&B's sweep controller runs it (wandb/sweeps,
 * hyperband_stopping.py): a stopping rule over fixed bands. At each band, the threshold is the
 * value at index ⌊n/η⌋ (0-based) of the band values of every run that reached it; a running run
 * whose closest band reached is `b` is stopped when its best value so far (`strict`: its value at
 * `b`) is worse than b's threshold. W&B re-checks runs as thresholds move; here each report is
 * checked against its closest band, which comes to the same for a run that is reporting.
 *
 * One difference: W&B reads a band as the run's b-th logged value, Rung as its report at step b
 * (the first report at or after it), so steps need not start at 1 or be contiguous.
 */
import { bestLoss } from './median.js';
import {
  CONTINUE,
  type PeerQuery,
  type PruneContext,
  type PruneDecision,
  type PruneInput,
  type Pruner,
} from './pruner.js';
import { crossedRung, recordable, rungName } from './successive-halving.js';

export interface WandbHyperbandOptions {
  /** The bands, ascending steps (W&B's, from `early_terminate`: see @rung/shared). */
  readonly bands: readonly number[];
  readonly eta: number;
  /** Compare the value at the band instead of the best so far (W&B `strict`). */
  readonly strict?: boolean;
}

export function createWandbHyperbandPruner(options: WandbHyperbandOptions): Pruner {
  const { bands, eta, strict = false } = options;
  if (bands.length === 0) throw new Error('hyperband: needs at least one band');
  if (!(eta > 1)) throw new Error(`hyperband: eta must be > 1, got ${eta}`);

  /** The closest band reached at this report, and whether this report reached it. */
  const closest = ({ step, reports }: PruneContext) => {
    let band: number | undefined;
    for (const b of bands) if (b <= step) band = b;
    if (band === undefined) return undefined;
    return { band, crossing: crossedRung([band], step, reports) === band };
  };
  /** The trial's value at its band: its first report at or after the band. */
  const valueAt = (band: number, context: PruneContext) =>
    recordable(context.reports.find((r) => r.step >= band)?.loss ?? Number.NaN);
  const condition = (band: number, context: PruneContext) =>
    strict ? valueAt(band, context) : recordable(bestLoss(context.step, context.reports));

  return {
    name: 'hyperband',
    query(context: PruneContext): PeerQuery | null {
      const at = closest(context);
      if (!at) return null;
      return {
        quantiles: [],
        rankOf: condition(at.band, context),
        ranks: [{ fraction: 1 / eta, offset: 1 }],
        rung: {
          name: rungName(0, at.band),
          ...(at.crossing && { record: valueAt(at.band, context) }),
        },
      };
    },
    decide(input: PruneInput): PruneDecision {
      const at = closest(input);
      if (!at) return CONTINUE;
      const value = condition(at.band, input);
      const { count, better } = input.peers;
      const allowed = Math.floor(count / eta + 1e-9);
      // Stopped when worse than sorted[⌊n/η⌋], i.e. when more than ⌊n/η⌋ values are better.
      if (better <= allowed) return CONTINUE;
      return {
        action: 'prune',
        reason: {
          rule: 'hyperband',
          step: input.step,
          rung: at.band,
          value,
          cutoff: input.peers.atRanks?.[0] ?? Number.NaN,
          population: count,
          rank: better + 1,
          detail: `worse than the top 1/${eta} of the ${count} runs that reached band ${at.band}${strict ? ' (strict)' : ''}`,
        },
      };
    },
  };
}
