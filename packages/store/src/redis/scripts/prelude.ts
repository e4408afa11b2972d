/**
 * The Lua shared by every script: the state machines, generated from the tables in
 * `@rung/shared` (so the guards can never drift from them), and the helpers that keep counts,
 * the active set and the event log in step with every state change.
 *
 * ARGV conventions: scripts that log an event take `now` (ms) as ARGV[1] and the log's cap as
 * ARGV[2].
 */
import {
  SWEEP_TRANSITIONS,
  type SweepState,
  TRIAL_TRANSITIONS,
  type TrialState,
} from '@rung/shared';

function luaTable(transitions: Readonly<Record<string, readonly string[]>>): string {
  const rows = Object.entries(transitions).map(
    ([from, tos]) => `  ${from} = { ${tos.map((to) => `${to} = true`).join(', ')} },`,
  );
  return `{\n${rows.join('\n')}\n}`;
}

export const PRELUDE = `
local TRIAL_TRANSITIONS = ${luaTable(TRIAL_TRANSITIONS as Record<TrialState, readonly TrialState[]>)}
local SWEEP_TRANSITIONS = ${luaTable(SWEEP_TRANSITIONS as Record<SweepState, readonly SweepState[]>)}

local function can_transition(from, to)
  local allowed = TRIAL_TRANSITIONS[from]
  return allowed ~= nil and allowed[to] == true
end

local function can_transition_sweep(from, to)
  local allowed = SWEEP_TRANSITIONS[from]
  return allowed ~= nil and allowed[to] == true
end

-- Active: the trial still holds a place in its sweep (it has somewhere to go).
local function is_active(state)
  return next(TRIAL_TRANSITIONS[state]) ~= nil
end

-- Sets a trial's state and keeps the per-state counts and the active set in step.
local function move_trial(trial_key, counts_key, active_key, number, from, to)
  redis.call('HSET', trial_key, 'state', to)
  if from ~= to then
    if from then redis.call('HINCRBY', counts_key, from, -1) end
    redis.call('HINCRBY', counts_key, to, 1)
  end
  if is_active(to) then
    redis.call('SADD', active_key, number)
  else
    redis.call('SREM', active_key, number)
  end
end

-- Appends one entry to the sweep's event log; seq counts every entry of the sweep, without holes.
-- data is a JSON object built by the caller (numbers are never re-encoded here, which would
-- round them to 14 digits).
local function append_event(sweep_key, events_key, at, maxlen, event_type, data)
  local seq = redis.call('HINCRBY', sweep_key, 'eventSeq', 1)
  return redis.call('XADD', events_key, 'MAXLEN', '~', maxlen, '*',
    'seq', seq, 'at', at, 'type', event_type, 'data', data)
end

-- What an ended or paused attempt used of its GPUs: its GPU-seconds add to the trial's and the
-- sweep's, its peak memory raises the trial's. '' for either means not measured.
local function add_usage(trial_key, sweep_key, gpu_seconds, peak_mib)
  if gpu_seconds ~= '' then
    redis.call('HINCRBYFLOAT', trial_key, 'gpuSeconds', gpu_seconds)
    redis.call('HINCRBYFLOAT', sweep_key, 'gpuSeconds', gpu_seconds)
  end
  if peak_mib ~= '' then
    local peak = tonumber(redis.call('HGET', trial_key, 'peakGpuMemoryMiB') or '0')
    if tonumber(peak_mib) > peak then redis.call('HSET', trial_key, 'peakGpuMemoryMiB', peak_mib) end
  end
end

-- A JSON string literal (for values the script itself read from a hash).
local function json_string(s)
  return cjson.encode(s)
end
`;
