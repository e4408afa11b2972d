import { defineScript } from '../script.js';

/**
 * Creates trial ARGV[3], queued, only if it is the sweep's next number, the sweep is running, and
 * the caller's fencing token is not older than one this sweep has seen; logs `trial.created`.
 * ARGV: now, cap, number, params JSON, point JSON, fence.
 * Returns 1 created, -1 number taken, -2 sweep not running, -3 fenced off (a newer leader wrote).
 */
export const CREATE_TRIAL = defineScript(
  'rungCreateTrial',
  ['sweep', 'counts', 'active', 'trial', 'events'],
  `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return -2 end
local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
local token = tonumber(ARGV[6])
if token < fence then return -3 end
if token > fence then redis.call('HSET', KEYS[1], 'fence', ARGV[6]) end
local nextTrial = tonumber(redis.call('HGET', KEYS[1], 'nextTrial') or '0')
if nextTrial ~= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[4], 'number', ARGV[3], 'params', ARGV[4], 'point', ARGV[5],
  'createdAt', ARGV[1], 'attempt', 0)
redis.call('HSET', KEYS[1], 'nextTrial', nextTrial + 1)
move_trial(KEYS[4], KEYS[2], KEYS[3], ARGV[3], false, 'queued')
append_event(KEYS[1], KEYS[5], ARGV[1], ARGV[2], 'trial.created',
  '{"number":' .. ARGV[3] .. ',"params":' .. ARGV[4] .. ',"point":' .. ARGV[5] .. '}')
return 1
`,
);
