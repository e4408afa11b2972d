/**
 * How scarce trial slots are shared between running sweeps: weighted max-min fairness
 * (water-filling). Each sweep asks for up to its demand (its parallelism, or what it has left to
 * run); when the cluster has fewer slots than the sweeps ask for, each gets a share in proportion
 * to its weight (its parallelism), no sweep gets more than it asks, what one does not use goes to
 * the others, and every sweep that asks gets at least one slot while there are slots for all —
 * so a sweep with parallelism 1000 cannot starve one with parallelism 2.
 */

export interface ShareRequest {
  id: string;
  /** Slots wanted (queued + running trials it may have). */
  demand: number;
  /** Relative weight; the sweep's parallelism. */
  weight: number;
}

/**
 * Slots per sweep, summing to at most `capacity` (Infinity: everyone gets its demand). Pure and
 * deterministic: ties go to the request listed first.
 */
export function fairShares(
  requests: readonly ShareRequest[],
  capacity: number,
): Map<string, number> {
  const shares = new Map(requests.map((r) => [r.id, 0]));
  const wanting = requests.filter((r) => r.demand > 0);
  const total = wanting.reduce((sum, r) => sum + r.demand, 0);
  if (total <= capacity) {
    for (const r of wanting) shares.set(r.id, r.demand);
    return shares;
  }
  let left = Math.max(0, Math.floor(capacity));
  // One slot each first, while there are enough for everyone who asks.
  if (left >= wanting.length) {
    for (const r of wanting) shares.set(r.id, 1);
    left -= wanting.length;
  }
  // Then water-filling in real numbers: sweeps whose weighted share exceeds what they still want
  // are satisfied and leave; the rest split what remains by weight.
  const exact = new Map(wanting.map((r) => [r.id, shares.get(r.id)!]));
  let open = wanting.filter((r) => exact.get(r.id)! < r.demand);
  let pool = left;
  while (open.length > 0 && pool > 1e-9) {
    const weight = open.reduce((sum, r) => sum + r.weight, 0);
    const satisfied = open.filter((r) => r.demand - exact.get(r.id)! <= (pool * r.weight) / weight);
    if (satisfied.length === 0) {
      for (const r of open) exact.set(r.id, exact.get(r.id)! + (pool * r.weight) / weight);
      pool = 0;
      break;
    }
    for (const r of satisfied) {
      pool -= r.demand - exact.get(r.id)!;
      exact.set(r.id, r.demand);
    }
    open = open.filter((r) => !satisfied.includes(r));
  }
  // Whole slots: round down, then hand out what is left by largest remainder.
  let given = 0;
  for (const r of wanting) {
    const whole = Math.floor(exact.get(r.id)! + 1e-9);
    shares.set(r.id, whole);
    given += whole;
  }
  let spare = Math.max(0, Math.floor(capacity) - given);
  const byRemainder = wanting
    .map((r, i) => ({ r, i, rest: exact.get(r.id)! - shares.get(r.id)! }))
    .filter(({ r }) => shares.get(r.id)! < r.demand)
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { r } of byRemainder) {
    if (spare === 0) break;
    shares.set(r.id, shares.get(r.id)! + 1);
    spare -= 1;
  }
  return shares;
}
