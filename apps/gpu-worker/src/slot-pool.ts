/**
 * The worker's execution slots: one per GPU, or a configured number of CPU slots. A trial holds one
 * slot; its child process sees only that GPU (CUDA_VISIBLE_DEVICES), so two trials never share one.
 */
import type { Gpu } from './gpu-discovery.js';

export interface Slot {
  /** `gpu:0`, `cpu:1`, … */
  id: string;
  /** Environment for the trial's child process. */
  env: Record<string, string>;
}

export class SlotPool {
  private readonly free: Slot[];

  constructor(readonly slots: readonly Slot[]) {
    if (slots.length === 0) throw new Error('a worker needs at least one slot');
    this.free = [...slots];
  }

  static fromGpus(gpus: readonly Gpu[], cpuSlots: number): SlotPool {
    if (gpus.length > 0) {
      return new SlotPool(
        gpus.map((g) => ({ id: `gpu:${g.index}`, env: { CUDA_VISIBLE_DEVICES: String(g.index) } })),
      );
    }
    // No GPU: hide any from the child so a native tfjs-node-gpu cannot grab one behind our back.
    return new SlotPool(
      Array.from({ length: cpuSlots }, (_, i) => ({
        id: `cpu:${i}`,
        env: { CUDA_VISIBLE_DEVICES: '' },
      })),
    );
  }

  get size(): number {
    return this.slots.length;
  }

  /** Slots not running a trial now. */
  get freeCount(): number {
    return this.free.length;
  }

  /** Takes a free slot. BullMQ's concurrency equals the pool size, so one is always free. */
  acquire(): Slot {
    const slot = this.free.shift();
    if (!slot) throw new Error('no free slot: concurrency exceeds the slot count');
    return slot;
  }

  release(slot: Slot): void {
    this.free.push(slot);
  }
}
