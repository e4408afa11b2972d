import { defineScript } from '../script.js';

/**
 * Replaces a live sweep's spec (`PATCH`), if it is still the one the caller changed, and logs
 * `sweep.updated` with the changes.
 * ARGV: now, cap, previous spec JSON, next spec JSON, changes JSON.
 * Returns 1; 0 when the sweep is not running or paused; -1 when its spec changed meanwhile.
 */
export const UPDATE_SWEEP = defineScript(
  'rungUpdateSweep',
  ['sweep', 'events'],
  `
local cur = redis.call('HGET', KEYS[1], 'state')
if cur ~= 'running' and cur ~= 'paused' then return 0 end
if redis.call('HGET', KEYS[1], 'spec') ~= ARGV[3] then return -1 end
redis.call('HSET', KEYS[1], 'spec', ARGV[4])
append_event(KEYS[1], KEYS[2], ARGV[1], ARGV[2], 'sweep.updated', '{"changes":' .. ARGV[5] .. '}')
return 1
`,
);
