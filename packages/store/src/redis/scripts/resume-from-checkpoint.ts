import { defineScript } from '../script.js';

/**
 * A new attempt resumes from the trial's checkpoint: the reports of the checkpoint's attempt up
 * to its step are copied into the new attempt's, `lastStep` follows, and the checkpoint now
 * belongs to the new attempt. Refused unless the attempt owns the running trial and the
 * checkpoint is still the one it was given (attempt and step).
 * ARGV: attempt, checkpoint's attempt, checkpoint's step.
 * Returns { 1, step, report JSON, step, report JSON, … } (the copied reports), or { 0 }.
 */
export const RESUME_FROM_CHECKPOINT = defineScript(
  'rungResumeFromCheckpoint',
  ['trial', 'checkpoint attempt reports', 'attempt reports'],
  `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return { 0 } end
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then return { 0 } end
if redis.call('HGET', KEYS[1], 'checkpointAttempt') ~= ARGV[2] then return { 0 } end
if redis.call('HGET', KEYS[1], 'checkpointStep') ~= ARGV[3] then return { 0 } end
local limit = tonumber(ARGV[3])
local copied = { 1 }
local last = tonumber(redis.call('HGET', KEYS[1], 'lastStep') or '-1')
local from = redis.call('HGETALL', KEYS[2])
for i = 1, #from, 2 do
  local step = tonumber(from[i])
  if step <= limit then
    redis.call('HSET', KEYS[3], from[i], from[i + 1])
    copied[#copied + 1] = from[i]
    copied[#copied + 1] = from[i + 1]
    if step > last then last = step end
  end
end
if last >= 0 then redis.call('HSET', KEYS[1], 'lastStep', last) end
redis.call('HSET', KEYS[1], 'checkpointAttempt', ARGV[1])
return copied
`,
);
