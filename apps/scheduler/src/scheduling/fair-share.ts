/**
 * How scarce trial slots are shared between running sweeps: weighted max-min fairness
 * (water-filling). Each sweep asks for up to its demand (its parallelism, or what it has left to
 * run); when the cluster has fewer slots than the sweeps ask for, each gets a share in proportion
 * to its weight (its parallelism), no sweep gets more than it asks, what one does not use goes to
 * the others, and every sweep that asks gets at least one slot while there are slots for all —
 * so a sweep with parallelism 1000 cannot starve one with parallelism 2.
 *
 * Capacity and shares are counted in slots (a worker's GPUs, or its CPU slots); a sweep whose
 * trials take half a GPU fits two trials in a slot, one taking two GPUs needs two slots a trial.
 */

export interface ShareRequest {
  id: string;
  /** Trials wanted (queued + running trials it may have). */
  demand: number;
  /** Relative weight; the sweep's parallelism. */
  weight: number;
  /** Slots one trial takes (its GPUs). @defaultValue 1 */
  size?: number;
}

/**
 * Trials per sweep, taking at most `capacity` slots together (Infinity: everyone gets its
 * demand). Pure and deterministic: ties go to the request listed first.
 */
export function fairShares(
  requests: readonly ShareRequest[],
  capacity: number,
): Map<string, number> {
  const shares = new Map(requests.map((r) => [r.id, 0]));
  const size = (r: ShareRequest) => r.size ?? 1;
  const wanting = requests.filter((r) => r.demand > 0);
  const total = wanting.reduce((sum, r) => sum + r.demand * size(r), 0);
  if (total <= capacity + 1e-9) {
    for (const r of wanting) shares.set(r.id, r.demand);
    return shares;
  }
  // From here on in slots: `exact` is each sweep's share of them, `demand` × size at most.
  const units = (r: ShareRequest) => r.demand * size(r);
  let left = Math.max(0, capacity);
  const exact = new Map(wanting.map((r) => [r.id, 0]));
  // One trial each first, while there are enough slots for everyone who asks.
  const firsts = wanting.reduce((sum, r) => sum + size(r), 0);
  if (left >= firsts) {
    for (const r of wanting) exact.set(r.id, size(r));
    left -= firsts;
  }
  // Then water-filling in real numbers: sweeps whose weighted share exceeds what they still want
  // are satisfied and leave; the rest split what remains by weight.
  let open = wanting.filter((r) => exact.get(r.id)! < units(r));
  let pool = left;
  while (open.length > 0 && pool > 1e-9) {
    const weight = open.reduce((sum, r) => sum + r.weight, 0);
    const satisfied = open.filter((r) => units(r) - exact.get(r.id)! <= (pool * r.weight) / weight);
    if (satisfied.length === 0) {
      for (const r of open) exact.set(r.id, exact.get(r.id)! + (pool * r.weight) / weight);
      pool = 0;
      break;
    }
    for (const r of satisfied) {
      pool -= units(r) - exact.get(r.id)!;
      exact.set(r.id, units(r));
    }
    open = open.filter((r) => !satisfied.includes(r));
  }
  // Whole trials: round down, then hand out the slots left by largest remainder.
  let given = 0;
  for (const r of wanting) {
    const trials = Math.floor(exact.get(r.id)! / size(r) + 1e-9);
    shares.set(r.id, trials);
    given += trials * size(r);
  }
  let spare = Math.max(0, capacity - given);
  const byRemainder = wanting
    .map((r, i) => ({ r, i, rest: exact.get(r.id)! - shares.get(r.id)! * size(r) }))
    .filter(({ r }) => shares.get(r.id)! < r.demand)
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  // Round by round, so that small trials fill what rounding left (four quarter-GPU trials in a
  // slot), a trial for each sweep in turn.
  for (let handed = true; handed; ) {
    handed = false;
    for (const { r } of byRemainder) {
      if (shares.get(r.id)! >= r.demand || spare + 1e-9 < size(r)) continue;
      shares.set(r.id, shares.get(r.id)! + 1);
      spare -= size(r);
      handed = true;
    }
  }
  return shares;
}
