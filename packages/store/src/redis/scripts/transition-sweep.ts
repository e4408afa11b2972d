import { defineScript } from '../script.js';

/**
 * Moves a sweep from one of the states in ARGV[4] (comma-separated) to ARGV[3], along the sweep
 * state machine, and logs the change. An ending sweep gets `finishedAt`.
 * ARGV: now, cap, to, from list, stop reason ('' = none), event type, event data JSON.
 * Returns 1, or 0 when refused (another state, or not an allowed move).
 */
export const TRANSITION_SWEEP = defineScript(
  'rungTransitionSweep',
  ['sweep', 'events'],
  `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return 0 end
local listed = false
for s in string.gmatch(ARGV[4], '[^,]+') do
  if s == cur then listed = true end
end
if not listed or not can_transition_sweep(cur, ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'stopReason', ARGV[5]) end
if next(SWEEP_TRANSITIONS[ARGV[3]]) == nil then
  redis.call('HSET', KEYS[1], 'finishedAt', ARGV[1])
end
append_event(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[6], ARGV[7])
return 1
`,
);
