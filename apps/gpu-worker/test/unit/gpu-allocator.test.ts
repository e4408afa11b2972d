import { GPU_SHARES } from '@rung/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GpuAllocator, type GpuLease } from '../../src/placement/gpu-allocator.js';

describe('the GPU allocator', () => {
  it('puts two half-GPU trials on one GPU, and a third on the next', () => {
    const gpus = new GpuAllocator([0, 1]);
    const a = gpus.take(0.5)!;
    const b = gpus.take(0.5)!;
    expect(a.indices).toEqual([0]);
    expect(b.indices).toEqual([0]);
    expect(gpus.take(0.5)!.indices).toEqual([1]);
    // GPU 1 is half used: a whole-GPU trial does not fit until GPU 0 is free again.
    expect(gpus.take(1)).toBeUndefined();
    gpus.give(a);
    gpus.give(b);
    expect(gpus.take(1)!.indices).toEqual([0]);
  });

  it('never lets whole-GPU trials share, and gives multi-GPU trials idle GPUs only', () => {
    const gpus = new GpuAllocator([3, 5, 7, 9]);
    expect(gpus.take(1)!.indices).toEqual([3]);
    expect(gpus.take(2)!.indices).toEqual([5, 7]);
    expect(gpus.take(2)).toBeUndefined();
    expect(gpus.take(1)!.indices).toEqual([9]);
    expect(gpus.take(0.125)).toBeUndefined();
  });

  it('fills the fullest GPU first, keeping idle ones whole', () => {
    const gpus = new GpuAllocator([0, 1]);
    gpus.take(0.25);
    gpus.take(0.5);
    expect(gpus.take(0.25)!.indices).toEqual([0]);
    expect(gpus.freeShares()).toEqual(
      new Map([
        [0, 0],
        [1, 1],
      ]),
    );
    expect(gpus.take(1)!.indices).toEqual([1]);
  });

  it('knows what can never fit', () => {
    const gpus = new GpuAllocator([0, 1]);
    expect(gpus.canEverFit(0.5)).toBe(true);
    expect(gpus.canEverFit(2)).toBe(true);
    expect(gpus.canEverFit(4)).toBe(false);
    expect(new GpuAllocator([]).canEverFit(0.25)).toBe(false);
  });

  it('never gives a GPU more than whole, and refuses only what does not fit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.constantFrom(...GPU_SHARES), fc.boolean()), { maxLength: 60 }),
        (count, steps) => {
          const gpus = new GpuAllocator(Array.from({ length: count }, (_, i) => i));
          const held: { lease: GpuLease; gpus: number }[] = [];
          for (const [share, release] of steps) {
            if (release && held.length > 0) gpus.give(held.shift()!.lease);
            const lease = gpus.take(share);
            if (lease) held.push({ lease, gpus: share });
            // What the leases hold of each GPU is what the allocator says is used.
            const used = new Map<number, number>();
            for (const h of held) {
              for (const i of h.lease.indices)
                used.set(i, (used.get(i) ?? 0) + h.lease.eighths / 8);
            }
            for (const [i, free] of gpus.freeShares()) {
              expect(free + (used.get(i) ?? 0)).toBeCloseTo(1, 10);
              expect(free).toBeGreaterThanOrEqual(0);
            }
            // Refused only when it truly does not fit: a share needs one GPU with that much
            // free, whole GPUs need that many idle ones.
            if (!lease) {
              const free = [...gpus.freeShares().values()];
              if (share < 1) expect(free.every((f) => f < share)).toBe(true);
              else expect(free.filter((f) => f === 1).length).toBeLessThan(share);
            }
          }
        },
      ),
    );
  });
});
