/** Small pieces the benchmark's command lines share: argument checks, progress, output files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The folder the user ran the command from. `npm run` moves to the package root before running
 * the script and leaves the caller's folder in INIT_CWD, so a relative `--objective` or `--out`
 * given from a subfolder must be resolved against that, not against process.cwd().
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}

/** A path the user typed, resolved against the folder they ran the command from. */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(invocationDir(env), path);
}

/** A positive integer from a command-line value, or an error naming the flag. */
export function positiveInt(flag: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${flag} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** A comma-separated list flag (`--samplers random,sobol`), empty entries dropped. */
export function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A progress line on stderr per finished seed (`branin/random: seed 3/20, 1.2 s`), rewritten in
 * place on a terminal, so stdout stays clean for the report.
 */
export function progress(label: string): (seedsDone: number, seeds: number) => void {
  const start = performance.now();
  const tty = process.stderr.isTTY;
  return (done, seeds) => {
    const line = `${label}: seed ${done}/${seeds}, ${((performance.now() - start) / 1000).toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${line}${done === seeds ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}

/** Writes `text` to `file` (relative to cwd), creating its folder. */
export function writeText(file: string, text: string): string {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Runs a command line's main, printing an error's message (not a stack) and exiting 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.cause)
      process.stderr.write(`  cause: ${String(error.cause)}\n`);
    process.exitCode = 1;
  });
}
