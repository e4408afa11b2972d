/**
 * The GPU memory each running trial uses, as `nvidia-smi` reports its compute processes: sampled
 * while trials run, each process counted for the trial whose trial process it descends from (a
 * command trainer's program, its data loaders), the peak kept per trial.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One line of `nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits`. */
export interface ComputeApp {
  pid: number;
  usedMiB: number;
}

export function parseComputeApps(output: string): ComputeApp[] {
  return output
    .split('\n')
    .map((line) => line.split(',').map((s) => s.trim()))
    .filter(([pid, used]) => /^\d+$/.test(pid ?? '') && /^\d+(\.\d+)?$/.test(used ?? ''))
    .map(([pid, used]) => ({ pid: Number(pid), usedMiB: Number(used) }));
}

/** A process's parent, from /proc (Linux); undefined once it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

interface Tracked {
  peakMiB: number;
  seen: boolean;
}

/** A trial whose GPU memory is watched. */
export interface TrackedTrial {
  /** The most its processes used at once so far, in MiB; undefined if never seen on a GPU. */
  peakMiB(): number | undefined;
  stop(): void;
}

export class GpuMemorySampler {
  private readonly tracked = new Map<number, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(
    private readonly intervalMs: number,
    private readonly bin = 'nvidia-smi',
    private readonly parent: (pid: number) => number | undefined = parentOf,
  ) {}

  /** Watches the trial process `pid` and the processes it starts, until `stop`. */
  track(pid: number): TrackedTrial {
    const entry: Tracked = { peakMiB: 0, seen: false };
    this.tracked.set(pid, entry);
    this.timer ??= setInterval(() => void this.sample(), this.intervalMs);
    return {
      peakMiB: () => (entry.seen ? entry.peakMiB : undefined),
      stop: () => {
        if (this.tracked.get(pid) === entry) this.tracked.delete(pid);
        if (this.tracked.size === 0 && this.timer) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** One sample: each tracked trial's processes' memory, summed. */
  async sample(): Promise<void> {
    if (this.sampling || this.tracked.size === 0) return;
    this.sampling = true;
    try {
      const apps = await this.computeApps();
      const used = new Map<number, number>();
      for (const app of apps) {
        const root = this.trialOf(app.pid);
        if (root !== undefined) used.set(root, (used.get(root) ?? 0) + app.usedMiB);
      }
      for (const [root, miB] of used) {
        const entry = this.tracked.get(root);
        if (!entry) continue;
        entry.seen = true;
        entry.peakMiB = Math.max(entry.peakMiB, miB);
      }
    } finally {
      this.sampling = false;
    }
  }

  /** The tracked trial process `pid` is, or descends from. */
  private trialOf(pid: number): number | undefined {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; hops++) {
      if (this.tracked.has(p)) return p;
      p = this.parent(p);
    }
    return undefined;
  }

  private computeApps(): Promise<ComputeApp[]> {
    return new Promise((resolve) => {
      execFile(
        this.bin,
        ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'],
        { timeout: 5000 },
        (err, stdout) => resolve(err ? [] : parseComputeApps(stdout)),
      );
    });
  }
}
