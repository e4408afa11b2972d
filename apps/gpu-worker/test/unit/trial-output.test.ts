import { describe, expect, it } from 'vitest';
import { TrialOutput } from '../../src/trial-output.js';

const line = (text: string) => ({ at: 0, stream: 'stdout' as const, text });

describe("a trial's output on its way to the store", () => {
  it('is written in batches, in order, and all of it by close', async () => {
    const writes: string[][] = [];
    let slow = true;
    const output = new TrialOutput(
      async (lines) => {
        // The first write is slow: the second must still land after it.
        if (slow) await new Promise((r) => setTimeout(r, 50));
        slow = false;
        writes.push(lines.map((l) => l.text));
      },
      () => undefined,
      10,
    );
    output.push(line('a'));
    output.push(line('b'));
    await new Promise((r) => setTimeout(r, 20));
    output.push(line('c'));
    await output.close();
    expect(writes.flat()).toEqual(['a', 'b', 'c']);
    expect(writes[0]).toEqual(['a', 'b']);
  });

  it('reports a failed write and goes on', async () => {
    const errors: unknown[] = [];
    const written: string[] = [];
    let fail = true;
    const output = new TrialOutput(
      async (lines) => {
        if (fail) {
          fail = false;
          throw new Error('Redis away');
        }
        written.push(...lines.map((l) => l.text));
      },
      (err) => errors.push(err),
      1000,
    );
    output.push(line('lost'));
    await output.flush();
    output.push(line('kept'));
    await output.close();
    expect(errors).toHaveLength(1);
    expect(written).toEqual(['kept']);
  });
});
