import { afterEach, describe, expect, it } from 'vitest';
import { onStopSignals } from '../src/index.js';

describe('onStopSignals', () => {
  const before = { term: process.listeners('SIGTERM'), int: process.listeners('SIGINT') };
  afterEach(() => {
    for (const [signal, kept] of [
      ['SIGTERM', before.term],
      ['SIGINT', before.int],
    ] as const) {
      for (const l of process.listeners(signal)) if (!kept.includes(l)) process.off(signal, l);
    }
  });

  it('stops once, whichever stop signals arrive and how often', async () => {
    const calls: string[] = [];
    onStopSignals(async (signal) => {
      calls.push(signal);
    });
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['SIGINT']);
  });
});
