/**
 * What `rung up` and `rung run` print about their cluster: the banner, the report of a child that
 * died, the outcome of stopping, and the options both commands share.
 */
import { join, relative } from 'node:path';
import { intFromEnv } from '@rung/shared';
import type { CommandName } from '../args.js';
import { intOption, stringOption } from '../args.js';
import type { LocalCluster, LocalClusterOptions } from '../cluster/local-cluster.js';
import { indent } from '../cluster/local-cluster.js';
import { type ChildExit, describeExit, type StopResult } from '../cluster/supervisor.js';
import type { Io } from '../io.js';
import { redactUrl } from '../render/format.js';
import type { CommandValues } from './types.js';

/** `--workers`, `--port`, `--cpu-slots`, `--state-dir` and `REDIS_URL`, as cluster options. */
export function clusterOptions(
  values: CommandValues,
  env: NodeJS.ProcessEnv,
  command: CommandName,
  defaults: { port: number; stateDir: string },
): LocalClusterOptions & { workers: number; port: number; stateDir: string } {
  // The flag wins over RUNG_PORT, which wins over the command's default.
  const port =
    values['port'] !== undefined
      ? intOption(values, 'port', defaults.port, 1, 65535, command)
      : intFromEnv(env, 'RUNG_PORT', defaults.port, 0, 65535);
  return {
    workers: intOption(values, 'workers', 2, 0, 256, command),
    cpuSlots: intOption(values, 'cpu-slots', 1, 1, 256, command),
    port,
    stateDir: stringOption(values, 'state-dir') ?? defaults.stateDir,
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    env,
  };
}

/** A path as the user would type it: relative to the working folder when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** `Rung is up: API http://127.0.0.1:8080 (docs at /docs), 2 workers, Redis redis://…` + logs. */
export function printUp(cluster: LocalCluster, io: Io): void {
  const n = cluster.workers.length;
  io.out.write(
    `Rung is up: API ${cluster.apiUrl} (docs at /docs), ${n} worker${n === 1 ? '' : 's'}, ` +
      `Redis ${redactUrl(cluster.redisUrl)}${cluster.privateRedis ? '' : ' (REDIS_URL)'}\n` +
      `Logs: ${displayPath(cluster.logsDir)}/ (scheduler.log, worker-N.log)\n`,
  );
  for (const name of cluster.lateWorkers) {
    io.err.write(
      `warning: ${name} has not said it is ready yet; see ${displayPath(join(cluster.logsDir, `${name}.log`))}\n`,
    );
  }
}

/** A child that exited without being asked: its name, how, and the last lines of its log. */
export function reportUnexpectedExit(exit: ChildExit, io: Io): void {
  const log = displayPath(exit.logFile);
  io.err.write(
    `\n${exit.name} exited unexpectedly (${describeExit(exit)}). Last lines of ${log}:\n${indent(exit.tail)}\n`,
  );
}

/**
 * The private redis-server exited without being asked: say so, and whether it is back. Returns
 * false when it is not (the cluster cannot go on).
 */
export function reportRedisExit(
  exit: { code: number | null; signal: string | null; error?: string },
  io: Io,
): boolean {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  if (exit.error === undefined) {
    io.err.write(
      `\nredis-server exited unexpectedly (${how}): restarted on the same data (AOF).\n`,
    );
    return true;
  }
  io.err.write(
    `\nredis-server exited unexpectedly (${how}) and was not restarted: ${exit.error}.\n`,
  );
  return false;
}

/** One line per child that had to be killed or did not end cleanly; `Stopped.` at the end. */
export function printStopped(results: readonly StopResult[], io: Io): void {
  for (const r of results) {
    if (r.killed) io.err.write(`${r.name} did not stop in time after SIGTERM: killed\n`);
    else if (r.code !== 0 && r.code !== null)
      io.err.write(`${r.name} stopped with exit code ${r.code}\n`);
  }
  io.out.write('Stopped.\n');
}
