import { defineScript } from '../script.js';

/**
 * Queues a paused trial again (promotion), if its sweep is running. Logs `trial.resumed` with the
 * promotion's reason.
 * ARGV: now, cap, reason JSON ('' = none). Returns 1, or 0 when refused.
 */
export const RESUME_TRIAL = defineScript(
  'rungResumeTrial',
  ['sweep', 'counts', 'active', 'trial', 'attempts', 'events'],
  `
local cur = redis.call('HGET', KEYS[4], 'state')
if not cur or cur ~= 'paused' or not can_transition(cur, 'queued') then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
local number = redis.call('HGET', KEYS[4], 'number')
move_trial(KEYS[4], KEYS[2], KEYS[3], number, cur, 'queued')
local attempt = redis.call('HGET', KEYS[4], 'attempt')
local data = '{"number":' .. number .. ',"attempt":' .. attempt
if ARGV[3] ~= '' then data = data .. ',"reason":' .. ARGV[3] end
append_event(KEYS[1], KEYS[6], ARGV[1], ARGV[2], 'trial.resumed', data .. '}')
return 1
`,
);
