import { createMedianPruner, type Pruner } from '@rung/search';
import type { PrunerSpec } from '@rung/shared';

/** The pruner of a sweep's spec; undefined when the sweep does not prune. */
export function createPruner(spec: PrunerSpec): Pruner | undefined {
  switch (spec.type) {
    case 'none':
      return undefined;
    case 'median':
      return createMedianPruner({
        startupTrials: spec.startup_trials,
        warmupSteps: spec.warmup_steps,
        intervalSteps: spec.interval_steps,
        minPeers: spec.min_peers,
      });
  }
}
