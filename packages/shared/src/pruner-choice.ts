import {
  combinePruners,
  createMedianPruner,
  createPatiencePruner,
  createPercentilePruner,
  createSuccessiveHalvingPruner,
  createThresholdPruner,
  createWandbHyperbandPruner,
  type Pruner,
} from '@rung/search';
import { wandbBands } from './spec/early-terminate.js';
import { prunerRules } from './spec/pruner.js';
import type { Goal, PrunerRule, PrunerSpec } from './sweep.js';

/** What a sweep's pruner is built from: its spec, the metric's goal and the sweep's seed. */
export interface PrunerSetting {
  spec: PrunerSpec;
  goal: Goal;
  /** Draws Hyperband brackets, so every worker assigns a trial the same one. */
  seed: number;
}

/** The pruner of a sweep's spec; undefined when the sweep does not prune. */
export function createPruner({ spec, goal, seed }: PrunerSetting): Pruner | undefined {
  const rules = prunerRules(spec).map((rule) => createRule(rule, goal, seed));
  return rules.length === 0 ? undefined : combinePruners(rules);
}

function createRule(rule: PrunerRule, goal: Goal, seed: number): Pruner {
  switch (rule.type) {
    case 'median':
    case 'percentile': {
      const options = {
        startupTrials: rule.startup_trials,
        warmupSteps: rule.warmup_steps,
        intervalSteps: rule.interval_steps,
        minPeers: rule.min_peers,
      };
      return rule.type === 'median'
        ? createMedianPruner(options)
        : createPercentilePruner({ ...options, percentile: rule.percentile });
    }
    case 'threshold': {
      // Rules compare losses (lower is better); a maximized metric's bounds swap when negated.
      const { lower, upper } = rule;
      const bounds =
        goal === 'minimize'
          ? {
              ...(lower !== undefined && { min: lower }),
              ...(upper !== undefined && { max: upper }),
            }
          : {
              ...(upper !== undefined && { min: -upper }),
              ...(lower !== undefined && { max: -lower }),
            };
      return createThresholdPruner({ ...bounds, warmupSteps: rule.warmup_steps });
    }
    case 'patience':
      return createPatiencePruner({ patience: rule.patience, minDelta: rule.min_delta });
    case 'asha':
    case 'hyperband':
      return createSuccessiveHalvingPruner({
        minSteps: rule.min_steps,
        ...(rule.max_steps !== undefined && { maxSteps: rule.max_steps }),
        eta: rule.eta,
        brackets: rule.brackets,
        mode: rule.mode,
        rankBy: rule.rank_by,
        seed,
      });
    case 'wandb_hyperband':
      return createWandbHyperbandPruner({
        bands: wandbBands(rule),
        eta: rule.eta,
        strict: rule.strict,
      });
  }
}
