/** Finds this machine's NVIDIA GPUs with `nvidia-smi`; none (or no nvidia-smi) means CPU slots. */
import { execFile } from 'node:child_process';

export interface Gpu {
  index: number;
  name: string;
  memoryMiB: number;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(output: string): Gpu[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [index, name, memory] = line.split(',').map((s) => s.trim());
      return { index: Number(index), name: name ?? 'unknown', memoryMiB: Number(memory) };
    })
    .filter((gpu) => Number.isInteger(gpu.index));
}

export function discoverGpus(bin = 'nvidia-smi'): Promise<Gpu[]> {
  return new Promise((resolve) => {
    execFile(
      bin,
      ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 10_000 },
      (err, stdout) => resolve(err ? [] : parseNvidiaSmi(stdout)),
    );
  });
}
