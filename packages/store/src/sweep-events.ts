/** The event a sweep's state change logs. */
import type { SweepEventBody, SweepState } from '@rung/shared';

const TYPE_BY_STATE = {
  running: 'sweep.resumed',
  paused: 'sweep.paused',
  completed: 'sweep.completed',
  cancelled: 'sweep.cancelled',
} as const satisfies Record<SweepState, SweepEventBody['type']>;

/** The log entry for a sweep moving to `to`: its type, and its data without the type. */
export function sweepEventFor(
  to: SweepState,
  stopReason: string | undefined,
): { type: SweepEventBody['type']; data: Record<string, unknown> } {
  const data: Record<string, unknown> = { state: to };
  if (stopReason !== undefined && (to === 'completed' || to === 'cancelled')) {
    data.stopReason = stopReason;
  }
  return { type: TYPE_BY_STATE[to], data };
}
