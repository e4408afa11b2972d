import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisStore, SCRIPTS } from '../../src/index.js';
import { DECLARED_KEYS_GUARD } from '../../src/redis/script.js';
import { describeStoreConformance } from '../store-conformance.js';

const connections: Redis[] = [];
const stores: RedisStore[] = [];

function connect(): Redis {
  const redis = new Redis(inject('redisUrl'));
  connections.push(redis);
  return redis;
}

afterAll(async () => {
  for (const s of stores) await s.close();
  for (const c of connections) await c.quit();
});

// Every script runs behind the guard that refuses undeclared keys and keys of two hash tags, so
// the whole suite doubles as the check that each script declares what it touches.
describeStoreConformance('RedisStore', {
  async make(options) {
    const store = new RedisStore(connect(), {
      prefix: `test-${randomUUID()}:`,
      checkDeclaredKeys: true,
      ...options,
    });
    stores.push(store);
    return store;
  },
  exactCap: false,
});

describe('RedisStore scripts', () => {
  it('the declared-keys guard refuses an undeclared key and keys of two sweeps', async () => {
    const redis = connect();
    const run = (body: string, ...keys: string[]) =>
      redis.eval(`${DECLARED_KEYS_GUARD}\n${body}`, keys.length, ...keys);
    await expect(run("return redis.call('EXISTS', KEYS[1])", 'p:{a}:x')).resolves.toBe(0);
    await expect(run("return redis.call('EXISTS', KEYS[1] .. 'y')", 'p:{a}:x')).rejects.toThrow(
      /undeclared key in EXISTS: p:\{a\}:xy/,
    );
    await expect(run('return 1', 'p:{a}:x', 'p:{b}:x')).rejects.toThrow(/more than one hash tag/);
  });

  it('pass every key through KEYS (or a helper parameter), never one built in Lua', () => {
    for (const script of SCRIPTS) {
      for (const call of script.lua.matchAll(/redis\.call\('(\w+)', ([^,)]+)/g)) {
        expect(call[2], `${script.name}: ${call[0]}`).toMatch(/^(KEYS\[[^\]]+\]|\w+_key)$/);
      }
      expect(script.keys.length, script.name).toBeGreaterThan(0);
    }
  });
});
