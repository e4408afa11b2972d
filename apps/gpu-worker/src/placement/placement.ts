/**
 * Where on this worker a trial runs: its GPUs (a share of one, or whole ones) and the CPU cores
 * it reserves, given out in the order trials asked (a big request at the head is not overtaken by
 * small ones, so it cannot starve), and the environment that confines the trial to them.
 *
 * A trial whose sweep gives no `resources` takes one slot: a whole GPU on a worker with GPUs
 * (as one slot per GPU always was), a CPU slot on one without.
 */
import type { ResourceSpec } from '@rung/shared';
import { GpuAllocator, type GpuLease } from './gpu-allocator.js';

/** Where one trial runs. */
export interface Slot {
  /** `gpu:0`, `cpu:1`, `gpu:0~7` (a placement of its own), … */
  id: string;
  /** Environment for the trial's process (`CUDA_VISIBLE_DEVICES`, thread counts). */
  env: Record<string, string>;
  /** Its GPUs' indices, when it has any. */
  gpus?: number[];
  /** How much GPU it holds in all (0.5 of one, 2 whole ones), when it has any. */
  gpuShare?: number;
}

/** What a running trial holds; give it back with {@link Placement.release}. */
export interface PlacementLease {
  /** The trial's slot: its id, and the environment that confines it. */
  slot: Slot;
  /**
   * One of the worker's standing slots (a whole GPU, or a CPU slot, with nothing else asked),
   * whose idle trial process may be kept and reused; other placements get a process each.
   */
  standing: boolean;
  gpus?: GpuLease;
  cpus: number;
  /** The worker's CPU slot it holds (no GPUs asked, on a worker without GPUs). */
  cpuSlot?: Slot;
}

interface Waiter {
  request: ResourceSpec | undefined;
  grant: (lease: PlacementLease) => void;
}

export class Placement {
  /**
   * The worker's standing slots: one per GPU, or `cpuSlots` CPU slots (which hide every GPU, so
   * that a native TensorFlow.js cannot grab one behind the worker's back) when it has none.
   */
  readonly standingSlots: readonly Slot[];
  private readonly gpus: GpuAllocator;
  private freeCores: number;
  private readonly freeSlots: Slot[];
  private readonly waiting: Waiter[] = [];
  private sequence = 0;

  /**
   * @param gpuIndices this worker's GPUs
   * @param cpuSlots trials at once without GPUs
   * @param cores CPU cores that trials asking for `cpus` may reserve
   */
  constructor(
    gpuIndices: readonly number[],
    cpuSlots: number,
    private readonly cores: number,
  ) {
    if (gpuIndices.length === 0 && cpuSlots < 1)
      throw new Error('a worker needs at least one slot');
    this.gpus = new GpuAllocator(gpuIndices);
    this.freeCores = cores;
    this.standingSlots =
      gpuIndices.length > 0
        ? gpuIndices.map((i) => ({
            id: `gpu:${i}`,
            env: { CUDA_VISIBLE_DEVICES: String(i) },
            gpus: [i],
            gpuShare: 1,
          }))
        : Array.from({ length: cpuSlots }, (_, i) => ({
            id: `cpu:${i}`,
            env: { CUDA_VISIBLE_DEVICES: '' },
          }));
    this.freeSlots = gpuIndices.length > 0 ? [] : [...this.standingSlots];
  }

  /** Whether this worker has GPUs (trials then get GPUs, not CPU slots). */
  get hasGpus(): boolean {
    return this.gpus.gpuCount > 0;
  }

  /** Why a trial asking for `request` can never run here, or undefined when it can. */
  neverFits(request: ResourceSpec | undefined): string | undefined {
    if (request?.gpus !== undefined && !this.gpus.canEverFit(request.gpus)) {
      return `it asks for ${request.gpus} GPUs and this worker has ${this.gpus.gpuCount}`;
    }
    if (request?.cpus !== undefined && request.cpus > this.cores) {
      return `it asks for ${request.cpus} CPUs and this worker has ${this.cores} (RUNG_CPUS)`;
    }
    return undefined;
  }

  /** Places a trial, waiting until what it asks for is free (check {@link neverFits} first). */
  acquire(request: ResourceSpec | undefined): Promise<PlacementLease> {
    const lease = this.waiting.length === 0 ? this.tryTake(request) : undefined;
    if (lease) return Promise.resolve(lease);
    return new Promise((grant) => this.waiting.push({ request, grant }));
  }

  release(lease: PlacementLease): void {
    this.give(lease);
    // In order: the head waits for room rather than being overtaken.
    while (this.waiting.length > 0) {
      const next = this.tryTake(this.waiting[0]!.request);
      if (!next) break;
      this.waiting.shift()!.grant(next);
    }
  }

  /** Trials running here now, and what is free. */
  usage(): { freeGpuShares: Map<number, number>; freeCores: number; freeSlots: number } {
    return {
      freeGpuShares: this.gpus.freeShares(),
      freeCores: this.freeCores,
      freeSlots: this.freeSlots.length,
    };
  }

  private tryTake(request: ResourceSpec | undefined): PlacementLease | undefined {
    const cpus = request?.cpus ?? 0;
    if (cpus > this.freeCores) return undefined;
    const standing = request?.gpus === undefined && request?.cpus === undefined;
    // No GPUs asked: a whole GPU where there are GPUs, else one of the worker's CPU slots.
    const gpusAsked = request?.gpus ?? (this.gpus.gpuCount > 0 ? 1 : undefined);
    let lease: PlacementLease;
    if (gpusAsked === undefined) {
      const cpuSlot = this.freeSlots.shift();
      if (!cpuSlot) return undefined;
      lease = { slot: cpuSlot, standing, cpus, cpuSlot };
    } else {
      const gpus = this.gpus.take(gpusAsked);
      if (!gpus) return undefined;
      const env: Record<string, string> = { CUDA_VISIBLE_DEVICES: gpus.indices.join(',') };
      // Sharing a GPU: TensorFlow would otherwise take all its memory at start.
      if (gpus.eighths < 8) env.TF_FORCE_GPU_ALLOW_GROWTH = 'true';
      const slot = {
        id: `gpu:${gpus.indices.join(',')}`,
        env,
        gpus: gpus.indices,
        gpuShare: (gpus.indices.length * gpus.eighths) / 8,
      };
      lease = { slot, standing, gpus, cpus };
    }
    this.freeCores -= cpus;
    if (standing) return lease;
    // Its own id and environment: no standing slot's idle process is made for it.
    lease.slot = {
      ...lease.slot,
      id: `${lease.slot.id}~${++this.sequence}`,
      env: { ...lease.slot.env, ...(cpus > 0 && threadEnv(cpus)) },
    };
    return lease;
  }

  private give(lease: PlacementLease): void {
    if (lease.gpus) this.gpus.give(lease.gpus);
    if (lease.cpuSlot) this.freeSlots.unshift(lease.cpuSlot);
    this.freeCores += lease.cpus;
  }
}

/** Threads the usual math libraries start, set to the trial's cores. */
function threadEnv(cpus: number): Record<string, string> {
  const n = String(cpus);
  return {
    RUNG_CPUS: n,
    OMP_NUM_THREADS: n,
    MKL_NUM_THREADS: n,
    OPENBLAS_NUM_THREADS: n,
    TF_NUM_INTRAOP_THREADS: n,
  };
}
