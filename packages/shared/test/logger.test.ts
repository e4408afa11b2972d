import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';

describe('createLogger', () => {
  it('writes tokens, authorization headers and Redis URLs as [redacted]', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', { write: (line: string) => lines.push(line) });
    logger.info({ token: 'rung_secret', redisUrl: 'redis://:pw@h:6379' }, 'made');
    logger.info({ req: { headers: { authorization: 'Bearer rung_secret' } } }, 'request');
    logger.info({ config: { adminToken: 'admin-secret-value' }, sweepId: 'sw-1' }, 'nested');
    const text = lines.join('');
    expect(text).not.toMatch(/rung_secret|pw@|admin-secret-value/);
    expect(text.match(/\[redacted\]/g)).toHaveLength(4);
    expect(JSON.parse(lines[2]!).sweepId).toBe('sw-1');
  });
});
