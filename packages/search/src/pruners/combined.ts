/**
 * Rules together (e.g. threshold + ASHA): each judges the report, and the first that prunes wins
 * over any that pauses. A report answers one peer question, so at most one member may ask about
 * peers (median, percentile, successive halving); threshold and patience ask nothing.
 */
import {
  CONTINUE,
  type PeerQuery,
  type PruneContext,
  type PruneDecision,
  type PruneInput,
  type Pruner,
} from './pruner.js';

/** Whether a rule's question needs peers (a quantile, a rank or a rung), not only its own curve. */
function asksPeers(query: PeerQuery | null): boolean {
  return (
    query !== null && (query.quantiles.length > 0 || query.rankOf !== undefined || !!query.rung)
  );
}

export function combinePruners(rules: readonly Pruner[]): Pruner {
  if (rules.length === 1) return rules[0]!;
  if (rules.length === 0) throw new Error('combined pruner: needs at least one rule');
  const promoters = rules.filter((r) => r.promoter);
  if (promoters.length > 1) throw new Error('combined pruner: at most one rule may promote');
  return {
    name: rules.map((r) => r.name).join('+'),
    query(context: PruneContext): PeerQuery | null {
      const queries = rules.map((r) => r.query(context)).filter((q) => q !== null);
      const asking = queries.filter(asksPeers);
      if (asking.length > 1) {
        throw new Error(
          `combined pruner: ${rules.map((r) => r.name).join(', ')} ask about peers at the same step`,
        );
      }
      return asking[0] ?? queries[0] ?? null;
    },
    decide(input: PruneInput): PruneDecision {
      let pause: PruneDecision | undefined;
      for (const rule of rules) {
        if (rule.query(input) === null) continue;
        const decision = rule.decide(input);
        if (decision.action === 'prune') return decision;
        if (decision.action === 'pause') pause ??= decision;
      }
      return pause ?? CONTINUE;
    },
    ...(promoters[0] && { promoter: promoters[0].promoter! }),
  };
}
