/**
 * Which of a worker's GPUs a trial gets, counted in eighths of a GPU. A share of one GPU (0.5)
 * goes to the fullest GPU it fits on (best fit: whole GPUs stay free for trials that need them);
 * whole GPUs (1, 2, …) only to GPUs nobody uses. Shares are powers of two (`GPU_SHARES`), so
 * they always fill a GPU exactly: no gap is left that no share fits. Pure.
 */

const EIGHTHS = 8;

/** GPUs given to one trial. */
export interface GpuLease {
  /** The GPUs' indices (`CUDA_VISIBLE_DEVICES`). */
  indices: number[];
  /** Eighths of each of them it holds (8 = all of it). */
  eighths: number;
}

export class GpuAllocator {
  /** Free eighths by GPU, in the order the GPUs were given. */
  private readonly free: Map<number, number>;

  constructor(indices: readonly number[]) {
    this.free = new Map(indices.map((i) => [i, EIGHTHS]));
  }

  get gpuCount(): number {
    return this.free.size;
  }

  /** Whether a trial asking for `gpus` could ever run here. */
  canEverFit(gpus: number): boolean {
    return gpus < 1 ? this.free.size > 0 : gpus <= this.free.size;
  }

  /** Places a trial asking for `gpus`, or undefined when it does not fit now. */
  take(gpus: number): GpuLease | undefined {
    if (gpus < 1) {
      const eighths = Math.round(gpus * EIGHTHS);
      let best: number | undefined;
      for (const [index, free] of this.free) {
        if (free >= eighths && (best === undefined || free < this.free.get(best)!)) best = index;
      }
      if (best === undefined) return undefined;
      this.free.set(best, this.free.get(best)! - eighths);
      return { indices: [best], eighths };
    }
    const idle = [...this.free].filter(([, free]) => free === EIGHTHS).map(([index]) => index);
    if (idle.length < gpus) return undefined;
    const indices = idle.slice(0, gpus);
    for (const index of indices) this.free.set(index, 0);
    return { indices, eighths: EIGHTHS };
  }

  /** Gives a lease's GPUs back. */
  give(lease: GpuLease): void {
    for (const index of lease.indices) {
      this.free.set(index, Math.min(EIGHTHS, this.free.get(index)! + lease.eighths));
    }
  }

  /** Free share of each GPU (1 = idle), by index. */
  freeShares(): Map<number, number> {
    return new Map([...this.free].map(([index, free]) => [index, free / EIGHTHS]));
  }
}
