import { defineScript } from '../script.js';

/**
 * Appends output lines to one attempt's log, keeps its last ARGV[1] lines, and counts every line
 * ever written (readers page with that count as a cursor, past what the cap dropped).
 * ARGV: lines kept, lines written (the caller may send only the last ones), then the lines (JSON).
 * Returns the count.
 */
export const APPEND_LOGS = defineScript(
  'rungAppendLogs',
  ['logs', 'log count'],
  `
for i = 3, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
return redis.call('INCRBY', KEYS[2], ARGV[2])
`,
);
