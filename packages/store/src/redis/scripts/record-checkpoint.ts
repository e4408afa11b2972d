import { defineScript } from '../script.js';

/**
 * Records the checkpoint a running attempt's trainer saved, replacing the trial's last one, if
 * that attempt still owns the running trial. ARGV: attempt, path, step, now. Returns 1, or 0.
 */
export const RECORD_CHECKPOINT = defineScript(
  'rungRecordCheckpoint',
  ['trial'],
  `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'checkpointPath', ARGV[2], 'checkpointStep', ARGV[3],
  'checkpointAttempt', ARGV[1], 'checkpointAt', ARGV[4])
return 1
`,
);
