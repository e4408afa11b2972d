import { defineScript } from '../script.js';

/**
 * Stores a new running sweep and logs `sweep.created`; refuses an id that exists.
 * ARGV: now, cap, spec JSON, sampler, warnings JSON. Returns 1, or 0 when the id is taken.
 */
export const CREATE_SWEEP = defineScript(
  'rungCreateSweep',
  ['sweep', 'events'],
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running', 'spec', ARGV[3], 'sampler', ARGV[4],
  'warnings', ARGV[5], 'createdAt', ARGV[1], 'nextTrial', 0, 'fence', 0)
append_event(KEYS[1], KEYS[2], ARGV[1], ARGV[2], 'sweep.created', '{}')
return 1
`,
);
