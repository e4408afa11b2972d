import { defineScript } from '../script.js';

/**
 * Records that an attempt's trainer is ready, and the runtime it runs on, if that attempt still
 * owns the running trial. ARGV: attempt, backend, now. Returns 1, or 0 when refused.
 */
export const SET_TRIAL_BACKEND = defineScript(
  'rungSetTrialBackend',
  ['trial'],
  `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'backend', ARGV[2], 'readyAt', ARGV[3])
return 1
`,
);
