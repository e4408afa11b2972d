import { defineScript } from '../script.js';

/**
 * A worker takes a trial: queued → running, or running → running when its job was redelivered
 * (the older attempt is marked superseded, and the trial's `retries` grows). Each start is a new
 * attempt with a clean report series; logs `trial.started`.
 * ARGV: now, cap, number, worker id, worker id as a JSON string, job id, GPUs as JSON ('' = none).
 * Returns { 1, previous state, attempt, checkpoint path, step, attempt, at } (the checkpoint's
 * fields false when it has none) or { 0, current state } (or { 0, 'missing' }, or { 0, 'held' }
 * for a queued trial of a paused sweep, { 0, 'stale' } for a job that no longer runs the trial).
 */
export const START_TRIAL = defineScript(
  'rungStartTrial',
  ['sweep', 'counts', 'active', 'trial', 'attempts', 'events'],
  `
local cur = redis.call('HGET', KEYS[4], 'state')
if not cur then return { 0, 'missing' } end
if not can_transition(cur, 'running') then return { 0, cur } end
-- A running trial restarts only under the job it runs under (handed back and redelivered): any
-- other job is stale, e.g. a lost worker's, redelivered after the trial was retried.
if cur == 'running' and redis.call('HGET', KEYS[4], 'jobId') ~= ARGV[6] then
  return { 0, 'stale' }
end
-- A paused sweep starts nothing new: its queued trials wait for it to resume.
if cur == 'queued' and redis.call('HGET', KEYS[1], 'state') == 'paused' then
  return { 0, 'held' }
end
local attempt = redis.call('HINCRBY', KEYS[4], 'attempt', 1)
if cur == 'running' then
  redis.call('HSET', KEYS[5], (attempt - 1) .. ':endedBy', 'superseded',
    (attempt - 1) .. ':endedAt', ARGV[1])
  redis.call('HINCRBY', KEYS[4], 'retries', 1)
end
redis.call('HSET', KEYS[5], attempt .. ':workerId', ARGV[4], attempt .. ':startedAt', ARGV[1])
redis.call('HSET', KEYS[4], 'workerId', ARGV[4], 'startedAt', ARGV[1], 'jobId', ARGV[6])
redis.call('HDEL', KEYS[4], 'lastStep', 'backend', 'readyAt', 'gpus')
if ARGV[7] ~= '' then redis.call('HSET', KEYS[4], 'gpus', ARGV[7]) end
move_trial(KEYS[4], KEYS[2], KEYS[3], ARGV[3], cur, 'running')
append_event(KEYS[1], KEYS[6], ARGV[1], ARGV[2], 'trial.started',
  '{"number":' .. ARGV[3] .. ',"attempt":' .. attempt .. ',"workerId":' .. ARGV[5] .. '}')
local checkpoint = redis.call('HMGET', KEYS[4], 'checkpointPath', 'checkpointStep',
  'checkpointAttempt', 'checkpointAt')
return { 1, cur, attempt, checkpoint[1], checkpoint[2], checkpoint[3], checkpoint[4] }
`,
);
