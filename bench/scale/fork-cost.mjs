// `node bench/scale/fork-cost.mjs [MB]`: how long child_process.fork blocks a parent that holds
// about MB megabytes, the median of 10 forks (the child exits at once). What made trial
// processes reusable: a worker forks one per trial otherwise. Figures in docs/BENCHMARKS.md.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const megabytes = Number(process.argv[2] ?? 0);
const ballast = [];
for (let i = 0; i < megabytes; i++) ballast.push(new Float64Array(131_072).fill(i));
const child = join(tmpdir(), 'rung-fork-cost-child.cjs');
writeFileSync(child, 'process.exit(0)\n');
const times = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  const c = fork(child, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  times.push(performance.now() - t0);
  await new Promise((resolve) => c.once('exit', resolve));
}
times.sort((a, b) => a - b);
const rss = (process.memoryUsage().rss / 1e6).toFixed(0);
console.log(
  `parent RSS ${rss} MB (${ballast.length} MB ballast): fork blocks ${times[5].toFixed(1)} ms (median of 10)`,
);
