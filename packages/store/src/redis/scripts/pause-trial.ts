import { defineScript } from '../script.js';

/**
 * Pauses a running attempt at a rung (early stopping with promotion); logs `trial.paused`.
 * ARGV: now, cap, attempt. Returns 1, or 0 when refused.
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
move_trial(KEYS[4], KEYS[2], KEYS[3], number, cur, 'paused')
append_event(KEYS[1], KEYS[6], ARGV[1], ARGV[2], 'trial.paused',
  '{"number":' .. number .. ',"attempt":' .. ARGV[3] .. '}')
return 1
`,
);
