/** `rung up`: a local cluster in the foreground until Ctrl-C. */

import { stringOption } from '../args.js';
import {
  ClusterStartError,
  type LocalCluster,
  type LocalClusterOptions,
  startLocalCluster,
} from '../cluster/local-cluster.js';
import type { ChildExit } from '../cluster/supervisor.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { registerSweepPrograms, sweepFilesIn, withWorkerConfig } from '../program-registration.js';
import {
  clusterOptions,
  displayPath,
  printStopped,
  printUp,
  reportRedisExit,
  reportUnexpectedExit,
} from './cluster-output.js';
import type { CommandValues } from './types.js';

/** Test seams of {@link upCommand}: other entry points, shorter deadlines. */
export type UpSeams = Partial<
  Pick<LocalClusterOptions, 'schedulerEntry' | 'workerEntry' | 'workerStopMs'>
>;

/**
 * Starts Redis (unless `REDIS_URL`), the scheduler and the workers; runs until Ctrl-C/SIGTERM, then
 * stops them in order and exits 0. A worker that dies is reported and the rest carry on; a
 * scheduler that dies takes the cluster down with exit code 1, since nothing serves the API then.
 */
export async function upCommand(
  values: CommandValues,
  _positionals: readonly string[],
  io: Io,
  seams: UpSeams = {},
): Promise<number> {
  const opts = clusterOptions(values, io.env, 'up', { port: 8080, stateDir: '.rung' });
  const sweepDir = stringOption(values, 'sweep-dir');
  if (sweepDir !== undefined) {
    const registration = registerSweepDir(sweepDir, opts.stateDir, io);
    opts.env = withWorkerConfig(opts.env ?? io.env, registration.configFile);
  }
  const interrupts = io.trapInterrupts();
  const schedulerDied = new AbortController();
  let cluster: LocalCluster | undefined;
  const onForce = () => cluster?.kill();
  interrupts.force.addEventListener('abort', onForce);
  try {
    io.out.write(
      `Starting Rung: ${opts.redisUrl ? 'Redis at REDIS_URL' : 'a private redis-server'}, the scheduler, ${opts.workers} workers…\n`,
    );
    try {
      cluster = await startLocalCluster({
        ...opts,
        ...seams,
        signal: interrupts.interrupt,
        onUnexpectedExit: (exit: ChildExit) => {
          reportUnexpectedExit(exit, io);
          if (exit.name === 'scheduler') schedulerDied.abort('The scheduler is gone');
        },
        onRedisExit: (exit) => {
          if (!reportRedisExit(exit, io)) schedulerDied.abort('Redis is gone');
        },
      });
    } catch (err) {
      if (err instanceof ClusterStartError && err.interrupted) {
        io.out.write('Stopped.\n');
        return 0;
      }
      throw err;
    }
    printUp(cluster, io);
    io.out.write('Press Ctrl-C to stop.\n');

    await new Promise<void>((resolve) => {
      if (interrupts.interrupt.aborted || schedulerDied.signal.aborted) resolve();
      interrupts.interrupt.addEventListener('abort', () => resolve(), { once: true });
      schedulerDied.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (schedulerDied.signal.aborted && !interrupts.interrupt.aborted) {
      io.err.write(`${schedulerDied.signal.reason}: stopping the cluster.\n`);
    } else {
      io.out.write(
        '\nStopping: workers finish or hand back their trials (up to 15 s); Ctrl-C again to force…\n',
      );
    }
    printStopped(await cluster.stop(), io);
    return schedulerDied.signal.aborted && !interrupts.interrupt.aborted ? 1 : 0;
  } finally {
    // Also on an error: never leave the cluster's processes behind.
    await cluster?.stop();
    interrupts.force.removeEventListener('abort', onForce);
    interrupts.release();
  }
}

/**
 * Registers the programs of the sweep files in `dir` for the workers `rung up` starts, and says
 * which, so `rung submit <file>` runs them as `wandb agent` would.
 */
function registerSweepDir(dir: string, stateDir: string, io: Io) {
  let files: ReturnType<typeof sweepFilesIn>;
  try {
    files = sweepFilesIn(dir);
  } catch (err) {
    throw new CliError(`--sweep-dir ${dir}: ${(err as Error).message}`);
  }
  const registration = registerSweepPrograms(files, stateDir);
  if (registration.registered.size === 0) {
    io.out.write(`No sweep file in ${dir} names a program: nothing registered.\n`);
  }
  for (const [name, file] of registration.registered) {
    io.out.write(`Registered the program of ${displayPath(file)} as trainer '${name}'.\n`);
  }
  for (const { file, reason } of registration.skipped) {
    io.err.write(`Not registered: ${displayPath(file)}: ${reason}.\n`);
  }
  return registration;
}
