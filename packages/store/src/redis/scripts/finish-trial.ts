import { defineScript } from '../script.js';

/**
 * Ends a running attempt: completed, pruned or failed. A completed trial enters the leaderboard,
 * and its losses by step join the step peers (one sorted set per step, passed as the variadic
 * keys, with the losses in ARGV from 11 on). Logs `trial.finished`.
 * The attempt's GPU-seconds add to the trial's and the sweep's, its peak GPU memory raises the
 * trial's.
 * ARGV: now, cap, attempt, to, value ('' = none), prune reason JSON ('' = none), error ('' = none),
 * event data JSON without its closing brace (the script adds the last step), GPU-seconds ('' =
 * none), peak GPU memory in MiB ('' = none), losses….
 * Returns 1, or 0 when refused (not running, or a stale attempt).
 */
export const FINISH_TRIAL = defineScript(
  'rungFinishTrial',
  ['sweep', 'counts', 'active', 'trial', 'attempts', 'events', 'leaderboard'],
  `
local cur = redis.call('HGET', KEYS[4], 'state')
if not cur or not can_transition(cur, ARGV[4]) or cur ~= 'running' then return 0 end
local attempt = redis.call('HGET', KEYS[4], 'attempt')
if attempt ~= ARGV[3] then return 0 end
local number = redis.call('HGET', KEYS[4], 'number')
redis.call('HSET', KEYS[4], 'finishedAt', ARGV[1])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[4], 'value', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[4], 'pruneReason', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[4], 'error', ARGV[7]) end
add_usage(KEYS[4], KEYS[1], ARGV[9], ARGV[10])
redis.call('HSET', KEYS[5], attempt .. ':endedBy', ARGV[4], attempt .. ':endedAt', ARGV[1])
if ARGV[4] == 'completed' then
  if ARGV[5] ~= '' then redis.call('ZADD', KEYS[7], ARGV[5], number) end
  for i = 8, #KEYS do
    redis.call('ZADD', KEYS[i], ARGV[i + 3], number)
  end
end
move_trial(KEYS[4], KEYS[2], KEYS[3], number, cur, ARGV[4])
local last = redis.call('HGET', KEYS[4], 'lastStep')
local data = ARGV[8]
if last then data = data .. ',"step":' .. last end
append_event(KEYS[1], KEYS[6], ARGV[1], ARGV[2], 'trial.finished', data .. '}')
return 1
`,
  { variadicKeys: 'the step peers of each step in the curve' },
);
