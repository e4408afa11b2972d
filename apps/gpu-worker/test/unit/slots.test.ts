import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi, SlotPool } from '../../src/index.js';

describe('GPU discovery and slots', () => {
  it('parses nvidia-smi CSV output', () => {
    const gpus = parseNvidiaSmi(
      '0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n\n',
    );
    expect(gpus).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
    ]);
    expect(parseNvidiaSmi('')).toEqual([]);
  });

  it('gives each trial its own GPU through CUDA_VISIBLE_DEVICES', () => {
    const pool = SlotPool.fromGpus(parseNvidiaSmi('0, A, 1\n1, B, 1'), 4);
    expect(pool.size).toBe(2);
    const a = pool.acquire();
    const b = pool.acquire();
    expect([a.env.CUDA_VISIBLE_DEVICES, b.env.CUDA_VISIBLE_DEVICES]).toEqual(['0', '1']);
    expect(() => pool.acquire()).toThrow(/no free slot/);
    pool.release(a);
    expect(pool.acquire().id).toBe('gpu:0');
  });

  it('falls back to CPU slots that hide every GPU', () => {
    const pool = SlotPool.fromGpus([], 3);
    expect(pool.slots.map((s) => s.id)).toEqual(['cpu:0', 'cpu:1', 'cpu:2']);
    expect(pool.acquire().env.CUDA_VISIBLE_DEVICES).toBe('');
    expect(() => SlotPool.fromGpus([], 0)).toThrow(/at least one slot/);
  });
});
