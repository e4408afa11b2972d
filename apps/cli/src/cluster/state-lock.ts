/**
 * One cluster per state folder: two private redis-servers appending to the same AOF would corrupt
 * it, and two clusters would overwrite each other's logs. A lock file holds the owner's pid.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '@rung/shared';

/** A held lock on a state folder. */
export interface StateLock {
  readonly file: string;
  /** Removes the lock file (only if it is still ours). */
  release(): void;
}

/** The state folder is locked by a process that is still alive. */
export class StateDirInUseError extends Error {
  override readonly name = 'StateDirInUseError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `${dir} is in use by another Rung cluster (pid ${pid}): stop it, or pass --state-dir for a separate one`,
    );
  }
}

/**
 * Takes the lock of `dir` (creating the folder). A lock left by a process that no longer exists
 * (a CLI that was SIGKILLed) is taken over.
 * @throws {@link StateDirInUseError} when a live process holds it.
 */
export function lockStateDir(dir: string, pid = process.pid): StateLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cluster.lock');
  for (let tries = 0; ; tries++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return {
        file,
        release() {
          if (ownerOf(file) === pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 2) throw err;
      const owner = ownerOf(file);
      if (owner !== undefined && owner !== pid && isProcessAlive(owner)) {
        throw new StateDirInUseError(dir, owner);
      }
      rmSync(file, { force: true });
    }
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
