import { defineScript } from '../script.js';

/**
 * Pauses a running attempt at a rung (early stopping with promotion); logs `trial.paused` with the
 * rule's reason. The attempt's GPU-seconds add to the trial's and the sweep's, its peak GPU memory
 * raises the trial's (as when an attempt finishes).
 * ARGV: now, cap, attempt, the rule's reason JSON ('' = none), GPU-seconds ('' = none), peak GPU
 * memory in MiB ('' = none). Returns 1, or 0 when refused.
 */
export const PAUSE_TRIAL = defineScript(
  'rungPauseTrial',
  ['sweep', 'counts', 'active', 'trial', 'attempts', 'events'],
  `
local cur = redis.call('HGET', KEYS[4], 'state')
if not cur or cur ~= 'running' or not can_transition(cur, 'paused') then return 0 end
if redis.call('HGET', KEYS[4], 'attempt') ~= ARGV[3] then return 0 end
local number = redis.call('HGET', KEYS[4], 'number')
redis.call('HSET', KEYS[5], ARGV[3] .. ':endedBy', 'paused', ARGV[3] .. ':endedAt', ARGV[1])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[4], 'pauseReason', ARGV[4]) end
add_usage(KEYS[4], KEYS[1], ARGV[5], ARGV[6])
move_trial(KEYS[4], KEYS[2], KEYS[3], number, cur, 'paused')
local data = '{"number":' .. number .. ',"attempt":' .. ARGV[3]
if ARGV[4] ~= '' then data = data .. ',"reason":' .. ARGV[4] end
append_event(KEYS[1], KEYS[6], ARGV[1], ARGV[2], 'trial.paused', data .. '}')
return 1
`,
);
