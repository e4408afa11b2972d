import { describe, expect, it } from 'vitest';
import { type Gpu, Placement, parseNvidiaSmi } from '../../src/index.js';

const indices = (gpus: Gpu[]) => gpus.map((g) => g.index);

describe('GPU discovery and placement', () => {
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

  it('gives each trial without resources its own GPU, in a standing slot', async () => {
    const placement = new Placement(indices(parseNvidiaSmi('0, A, 1\n1, B, 1')), 4, 8);
    expect(placement.standingSlots.map((s) => s.id)).toEqual(['gpu:0', 'gpu:1']);
    const a = await placement.acquire(undefined);
    const b = await placement.acquire(undefined);
    expect([a.slot, b.slot]).toEqual(placement.standingSlots);
    expect(a.standing && b.standing).toBe(true);
    expect(placement.usage().freeGpuShares).toEqual(
      new Map([
        [0, 0],
        [1, 0],
      ]),
    );
    placement.release(a);
    expect((await placement.acquire(undefined)).slot.id).toBe('gpu:0');
  });

  it('lets two half-GPU trials share a GPU, never two whole-GPU trials', async () => {
    const placement = new Placement([0, 1], 1, 8);
    const halves = [await placement.acquire({ gpus: 0.5 }), await placement.acquire({ gpus: 0.5 })];
    expect(halves.map((l) => l.slot.env.CUDA_VISIBLE_DEVICES)).toEqual(['0', '0']);
    expect(halves[0]!.slot.env.TF_FORCE_GPU_ALLOW_GROWTH).toBe('true');
    expect(halves[0]!.slot.id).not.toBe(halves[1]!.slot.id);
    expect(halves[0]!.standing).toBe(false);
    const whole = await placement.acquire({ gpus: 1 });
    expect(whole.slot.env.CUDA_VISIBLE_DEVICES).toBe('1');
    expect(placement.usage().freeGpuShares).toEqual(
      new Map([
        [0, 0],
        [1, 0],
      ]),
    );
  });

  it('makes a trial wait until what it asks for is free, first come first served', async () => {
    const placement = new Placement([0, 1], 1, 8);
    const first = await placement.acquire({ gpus: 1 });
    const granted: string[] = [];
    const pair = placement.acquire({ gpus: 2 }).then((l) => {
      granted.push('pair');
      return l;
    });
    // A small request behind the big one waits too, rather than overtaking it.
    const small = placement.acquire({ gpus: 0.25 }).then((l) => {
      granted.push('small');
      return l;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(granted).toEqual([]);
    placement.release(first);
    const both = await pair;
    expect(both.slot.env.CUDA_VISIBLE_DEVICES).toBe('0,1');
    placement.release(both);
    await small;
    expect(granted).toEqual(['pair', 'small']);
  });

  it('reserves CPU cores and sets the trial’s thread counts to them', async () => {
    const placement = new Placement([], 4, 6);
    const a = await placement.acquire({ cpus: 4 });
    expect(a.slot.env).toMatchObject({ OMP_NUM_THREADS: '4', CUDA_VISIBLE_DEVICES: '' });
    expect(placement.usage()).toMatchObject({ freeCores: 2, freeSlots: 3 });
    expect(placement.neverFits({ cpus: 8 })).toMatch(/asks for 8 CPUs and this worker has 6/);
    expect(placement.neverFits({ gpus: 0.5 })).toMatch(/asks for 0.5 GPUs and this worker has 0/);
  });

  it('falls back to CPU slots that hide every GPU', async () => {
    const placement = new Placement([], 3, 2);
    expect(placement.standingSlots.map((s) => s.id)).toEqual(['cpu:0', 'cpu:1', 'cpu:2']);
    expect((await placement.acquire(undefined)).slot.env.CUDA_VISIBLE_DEVICES).toBe('');
    expect(() => new Placement([], 0, 2)).toThrow(/at least one slot/);
  });
});
