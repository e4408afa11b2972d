/**
 * Every trial state change is one of these Lua scripts: a compare-and-set that also keeps the
 * per-state counts, so a redelivered or duplicated job can never double-count.
 */

/**
 * Creates trial ARGV[1] only if it is the sweep's next number and the sweep is running.
 * KEYS: sweep, counts, trial. ARGV: number, params JSON, point JSON, createdAt.
 * Returns 1 created, -1 number taken (another scheduler got there first), -2 sweep not running.
 */
export const CREATE_TRIAL = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' then return -2 end
local nextTrial = tonumber(redis.call('HGET', KEYS[1], 'nextTrial') or '0')
if nextTrial ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[3], 'number', ARGV[1], 'state', 'queued', 'params', ARGV[2],
  'point', ARGV[3], 'createdAt', ARGV[4], 'attempt', '0')
redis.call('HSET', KEYS[1], 'nextTrial', nextTrial + 1)
redis.call('HINCRBY', KEYS[2], 'queued', 1)
return 1
`;

/**
 * Compare-and-set of a trial's state.
 * KEYS: trial, counts. ARGV: to, JSON array of allowed current states, expected attempt ('' = any),
 * JSON object of fields to set, '1' to increment the attempt.
 * Returns { 1, previous state, attempt } on success, { 0, current state, attempt } when refused,
 * { -1 } when the trial does not exist.
 */
export const TRANSITION = `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return { -1 } end
local attempt = redis.call('HGET', KEYS[1], 'attempt') or '0'
local allowed = false
for _, s in ipairs(cjson.decode(ARGV[2])) do
  if s == cur then allowed = true end
end
if (not allowed) or (ARGV[3] ~= '' and ARGV[3] ~= attempt) then return { 0, cur, attempt } end
if ARGV[5] == '1' then attempt = tostring(redis.call('HINCRBY', KEYS[1], 'attempt', 1)) end
local fields = cjson.decode(ARGV[4])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
redis.call('HSET', KEYS[1], 'state', ARGV[1])
if cur ~= ARGV[1] then
  redis.call('HINCRBY', KEYS[2], cur, -1)
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
end
return { 1, cur, attempt }
`;

/**
 * Stores one report if the trial is running under this attempt; reports are keyed by step, so a
 * report sent twice is stored once.
 * KEYS: trial, reports. ARGV: attempt, step, report JSON.
 * Returns the trial's state ('running' when stored) or '' when the trial does not exist; a stale
 * attempt gets 'superseded'.
 */
export const ADD_REPORT = `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return '' end
if cur ~= 'running' then return cur end
if (redis.call('HGET', KEYS[1], 'attempt') or '0') ~= ARGV[1] then return 'superseded' end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'lastStep', ARGV[2])
return 'running'
`;

/**
 * Ends a running trial (completed | pruned | failed) under the caller's attempt. A completed trial
 * enters the leaderboard, and its learning curve enters the per-step rung sets the pruners read.
 * KEYS: trial, counts, leaderboard, reports.
 * ARGV: attempt, to, value ('' = none), fields JSON, metric name, sign (1 or -1: loss = sign × value),
 * rung key prefix, trial number.
 * Returns 1 on success, 0 when refused (not running, or a stale attempt).
 */
export const FINISH_TRIAL = `
local cur = redis.call('HGET', KEYS[1], 'state')
if cur ~= 'running' then return 0 end
if (redis.call('HGET', KEYS[1], 'attempt') or '0') ~= ARGV[1] then return 0 end
local fields = cjson.decode(ARGV[4])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'value', ARGV[3]) end
redis.call('HINCRBY', KEYS[2], cur, -1)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if ARGV[2] == 'completed' then
  if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[8]) end
  local sign = tonumber(ARGV[6])
  local reports = redis.call('HGETALL', KEYS[4])
  for i = 1, #reports, 2 do
    local metrics = cjson.decode(reports[i + 1]).metrics
    local v = metrics and metrics[ARGV[5]]
    if type(v) == 'number' then
      redis.call('ZADD', ARGV[7] .. reports[i], sign * v, ARGV[8])
    end
  end
end
return 1
`;

/**
 * Compare-and-set of a sweep's state. KEYS: sweep. ARGV: to, JSON array of allowed states,
 * JSON object of fields to set. Returns 1 or 0.
 */
export const SWEEP_TRANSITION = `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return 0 end
for _, s in ipairs(cjson.decode(ARGV[2])) do
  if s == cur then
    local fields = cjson.decode(ARGV[3])
    for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
    redis.call('HSET', KEYS[1], 'state', ARGV[1])
    return 1
  end
end
return 0
`;
