import { defineScript } from '../script.js';

/**
 * One report, one round trip: stores it under its attempt (a step sent twice is stored and logged
 * once), logs `trial.reported`, and answers the pruning rule's question about its peers — the
 * losses completed trials reported at this step (the step peers), or a rung's record, to which the
 * trial's own value is added first when given (both sorted sets): how many, the values at the
 * ranks that bracket each asked quantile, how many are better than a given loss, and the values
 * at ranks given by the count. O(log n) in the peers, whatever the sweep's size.
 * ARGV: now, cap, attempt, step, report JSON, event data JSON, quantiles ('0.5,0.25'; '' = none),
 * rank-of loss ('' = none), '1' to ask about the peers at all, the value to record in the rung
 * ('' = none), the trial's number, ranks ('fraction:offset,…'; '' = none).
 * Returns { 'running', completed, peer count, better, lo1, hi1, lo2, hi2, …, rank values… } when
 * stored, where lo and hi are the peers' losses at the ranks floor and ceil of q (count − 1) — the
 * caller interpolates, as numpy does; else { state } ('superseded' for a stale attempt, 'missing').
 */
export const REPORT = defineScript(
  'rungReport',
  ['sweep', 'counts', 'trial', 'reports', 'events', 'peers (step peers or a rung)'],
  `
local cur = redis.call('HGET', KEYS[3], 'state')
if not cur then return { 'missing' } end
if cur ~= 'running' then return { cur } end
if redis.call('HGET', KEYS[3], 'attempt') ~= ARGV[3] then return { 'superseded' } end
if redis.call('HSET', KEYS[4], ARGV[4], ARGV[5]) == 1 then
  local last = tonumber(redis.call('HGET', KEYS[3], 'lastStep') or '-1')
  if tonumber(ARGV[4]) > last then redis.call('HSET', KEYS[3], 'lastStep', ARGV[4]) end
  -- The sweep's compute: steps run, trials that ran, and the furthest step any reached.
  redis.call('HINCRBY', KEYS[2], 'stepsRun', 1)
  if redis.call('HSETNX', KEYS[3], 'ran', '1') == 1 then redis.call('HINCRBY', KEYS[2], 'trialsRun', 1) end
  if tonumber(ARGV[4]) > tonumber(redis.call('HGET', KEYS[2], 'lastStep') or '0') then
    redis.call('HSET', KEYS[2], 'lastStep', ARGV[4])
  end
  append_event(KEYS[1], KEYS[5], ARGV[1], ARGV[2], 'trial.reported', ARGV[6])
end
local completed = tonumber(redis.call('HGET', KEYS[2], 'completed') or '0')
if ARGV[9] ~= '1' then return { 'running', completed } end
if ARGV[10] ~= '' then redis.call('ZADD', KEYS[6], ARGV[10], ARGV[11]) end
local count = redis.call('ZCARD', KEYS[6])
local better = 0
if ARGV[8] ~= '' then better = redis.call('ZCOUNT', KEYS[6], '-inf', '(' .. ARGV[8]) end
local answer = { 'running', completed, count, better }
if count > 0 then
  for q in string.gmatch(ARGV[7], '[^,]+') do
    local position = tonumber(q) * (count - 1)
    for _, rank in ipairs({ math.floor(position), math.ceil(position) }) do
      local hit = redis.call('ZRANGE', KEYS[6], rank, rank, 'WITHSCORES')
      answer[#answer + 1] = hit[2]
    end
  end
  for spec in string.gmatch(ARGV[12], '[^,]+') do
    local fraction, offset = string.match(spec, '([^:]+):([^:]+)')
    local rank = math.floor(count * tonumber(fraction) + 1e-9) + tonumber(offset)
    rank = math.min(count, math.max(1, rank))
    answer[#answer + 1] = redis.call('ZRANGE', KEYS[6], rank - 1, rank - 1, 'WITHSCORES')[2]
  end
end
return answer
`,
);
