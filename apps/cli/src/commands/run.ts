/**
 * `rung run <file>`: the one-shot local flow of the README's first command: start a cluster,
 * submit the sweep, show its progress, print the leaderboard, stop the cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, apiClientFor } from '../api-client.js';
import {
  ClusterStartError,
  type LocalCluster,
  startLocalCluster,
} from '../cluster/local-cluster.js';
import type { Io } from '../io.js';
import { registerSweepProgram, withWorkerConfig } from '../program-registration.js';
import { readSweepFile } from '../sweep-file.js';
import {
  clusterOptions,
  printStopped,
  printUp,
  reportRedisExit,
  reportUnexpectedExit,
} from './cluster-output.js';
import { followSweep, printSubmitted } from './follow.js';
import type { CommandValues } from './types.js';
import type { UpSeams } from './up.js';

/** Test seams of {@link runCommand}: other entry points, shorter deadlines. */
export type RunSeams = UpSeams;

/**
 * Exit code: 0 when the sweep completed with at least one completed trial; 1 when it was cancelled,
 * no trial completed, the spec was rejected or the cluster broke (a child died); 130 on Ctrl-C.
 */
export async function runCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
  seams: RunSeams = {},
): Promise<number> {
  // Read the file before starting anything: a typo in its name should cost nothing.
  const file = readSweepFile(positionals[0]!);
  // Port 0: a free port, so a `rung up` already on 8080 is no obstacle.
  const opts = clusterOptions(values, io.env, 'run', { port: 0, stateDir: join('.rung', 'run') });
  // A sweep file naming W&B's program: its own workers get it registered, as `wandb agent` runs it.
  const workerConfig = registerSweepProgram(positionals[0]!, file, opts.stateDir);
  opts.env = withWorkerConfig(opts.env ?? io.env, workerConfig);
  const keepUp = values['keep-up'] === true;
  // A one-shot run starts from an empty Redis: an older, interrupted run's sweep must not resume
  // and compete for the workers.
  const redisDir = opts.redisUrl ? undefined : mkdtempSync(join(tmpdir(), 'rung-run-'));
  const interrupts = io.trapInterrupts();
  const broken = new AbortController();
  let cluster: LocalCluster | undefined;
  const onForce = () => cluster?.kill();
  interrupts.force.addEventListener('abort', onForce);
  try {
    io.out.write(
      `Starting a local Rung cluster: ${opts.redisUrl ? 'Redis at REDIS_URL' : 'a private redis-server'}, the scheduler, ${opts.workers} workers…\n`,
    );
    try {
      cluster = await startLocalCluster({
        ...opts,
        ...seams,
        ...(redisDir ? { redisDir } : {}),
        signal: interrupts.interrupt,
        onUnexpectedExit: (exit) => {
          reportUnexpectedExit(exit, io);
          broken.abort();
        },
        onRedisExit: (exit) => {
          if (!reportRedisExit(exit, io)) broken.abort();
        },
      });
    } catch (err) {
      if (err instanceof ClusterStartError && err.interrupted) {
        io.out.write('Stopped.\n');
        return 130;
      }
      throw err;
    }
    printUp(cluster, io);
    const code = await submitAndFollow(cluster, file, io, interrupts.interrupt, broken.signal);

    if (keepUp && code !== 130 && !broken.signal.aborted) {
      io.out.write(`\nThe cluster stays up at ${cluster.apiUrl}. Press Ctrl-C to stop.\n`);
      await new Promise<void>((resolve) => {
        const signal = AbortSignal.any([interrupts.interrupt, broken.signal]);
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    io.out.write(
      interrupts.interrupt.aborted
        ? '\nStopping the cluster (up to 15 s); Ctrl-C again to force…\n'
        : '\nStopping the cluster…\n',
    );
    printStopped(await cluster.stop(), io);
    return broken.signal.aborted ? 1 : code;
  } finally {
    // Also on an error: never leave the cluster's processes behind. Ctrl-C stays trapped until
    // they are gone, so that a second one still kills them rather than the CLI alone.
    await cluster?.stop();
    interrupts.force.removeEventListener('abort', onForce);
    interrupts.release();
    if (redisDir) rmSync(redisDir, { recursive: true, force: true });
  }
}

async function submitAndFollow(
  cluster: LocalCluster,
  file: ReturnType<typeof readSweepFile>,
  io: Io,
  interrupt: AbortSignal,
  broken: AbortSignal,
): Promise<number> {
  const client = apiClientFor(cluster.apiUrl, io.env);
  let sweep: Awaited<ReturnType<typeof client.submitSweep>>;
  try {
    sweep = await client.submitSweep(file.text, file.format);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    io.err.write(`The sweep was rejected: ${err.message}\n`);
    for (const issue of err.issues) io.err.write(`  ${issue.path}: ${issue.message}\n`);
    return 1;
  }
  printSubmitted(sweep, io);
  const outcome = await followSweep(client, sweep, io, AbortSignal.any([interrupt, broken]));
  if (outcome.kind === 'finished') return outcome.code;
  if (broken.aborted) {
    io.err.write(`The cluster broke before sweep ${sweep.id} finished.\n`);
    return 1;
  }
  io.err.write(`\nInterrupted: sweep ${sweep.id} did not finish.\n`);
  return 130;
}
