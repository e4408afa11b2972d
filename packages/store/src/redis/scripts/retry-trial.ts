import { defineScript } from '../script.js';

/**
 * Queues a running trial again because its attempt was lost (its worker stopped heartbeating):
 * the attempt ends `lost` with the reason, the trial's `retries` grows by one, and
 * `trial.retried` is logged. Its next start is a new attempt (from its checkpoint, if any).
 * ARGV: now, cap, attempt, reason, reason as a JSON string.
 * Returns 1, or 0 when the trial is not running under that attempt.
 */
export const RETRY_TRIAL = defineScript(
  'rungRetryTrial',
  ['sweep', 'counts', 'active', 'trial', 'attempts', 'events'],
  `
local cur = redis.call('HGET', KEYS[4], 'state')
if cur ~= 'running' or not can_transition(cur, 'queued') then return 0 end
if redis.call('HGET', KEYS[4], 'attempt') ~= ARGV[3] then return 0 end
local number = redis.call('HGET', KEYS[4], 'number')
redis.call('HSET', KEYS[5], ARGV[3] .. ':endedBy', 'lost', ARGV[3] .. ':endedAt', ARGV[1],
  ARGV[3] .. ':error', ARGV[4])
local retries = redis.call('HINCRBY', KEYS[4], 'retries', 1)
move_trial(KEYS[4], KEYS[2], KEYS[3], number, cur, 'queued')
append_event(KEYS[1], KEYS[6], ARGV[1], ARGV[2], 'trial.retried',
  '{"number":' .. number .. ',"attempt":' .. ARGV[3] .. ',"retries":' .. retries ..
  ',"reason":' .. ARGV[5] .. '}')
return 1
`,
);
