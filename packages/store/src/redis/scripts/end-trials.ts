import { defineScript } from '../script.js';

/**
 * Ends active trials from outside their runs, whatever their attempts: cancelled (the sweep
 * stopped) or failed (the job was lost). The trials come as pairs of variadic keys (trial,
 * attempts); a trial that is no longer active, or may not move to ARGV[3], is left alone. One
 * `trial.finished` per trial ended.
 * ARGV: now, cap, to, reason as a JSON string, reason.
 * Returns the numbers of the trials ended.
 */
export const END_TRIALS = defineScript(
  'rungEndTrials',
  ['sweep', 'counts', 'active', 'events'],
  `
local ended = {}
for i = 5, #KEYS, 2 do
  local cur = redis.call('HGET', KEYS[i], 'state')
  if cur and is_active(cur) and can_transition(cur, ARGV[3]) then
    local number = redis.call('HGET', KEYS[i], 'number')
    redis.call('HSET', KEYS[i], 'error', ARGV[5], 'finishedAt', ARGV[1])
    if cur == 'running' then
      local attempt = redis.call('HGET', KEYS[i], 'attempt')
      redis.call('HSET', KEYS[i + 1], attempt .. ':endedBy', ARGV[3], attempt .. ':endedAt', ARGV[1])
    end
    move_trial(KEYS[i], KEYS[2], KEYS[3], number, cur, ARGV[3])
    local data = '{"number":' .. number .. ',"attempt":0,"state":"' .. ARGV[3] .. '","error":' .. ARGV[4]
    local last = redis.call('HGET', KEYS[i], 'lastStep')
    if last then data = data .. ',"step":' .. last end
    append_event(KEYS[1], KEYS[4], ARGV[1], ARGV[2], 'trial.finished', data .. '}')
    ended[#ended + 1] = tonumber(number)
  end
end
return ended
`,
  { variadicKeys: 'pairs of (trial, attempts) keys, one pair per trial to end' },
);
