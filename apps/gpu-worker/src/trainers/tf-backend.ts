/**
 * Picks the fastest TensorFlow.js backend this machine has: native CUDA, native CPU, WASM, then
 * plain JS.
 *
 * This module imports TensorFlow.js; only a trial's child process should load it (the worker's
 * main process must stay light and responsive for BullMQ's lock renewal). Importing it costs
 * about 1.6 s of a trial's start-up on a busy 2-core machine; `@tensorflow/tfjs-core` alone would
 * halve that, but its Node build registers no gradients (they ship as ESM-only files Node cannot
 * load from that package), so training needs the `@tensorflow/tfjs` bundle. The engine lives on
 * `globalThis`, so a module trainer importing `@tensorflow/tfjs` runs on the backend chosen here.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Values `RUNG_TF_BACKEND` (or `selectBackend`'s argument) accepts. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** `tensorflow`: the native bindings (CUDA when `@tensorflow/tfjs-node-gpu` is installed). */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The requested backend cannot be used here; the message says why and what to do. */
export class BackendUnavailableError extends Error {
  /** Stable code that crosses the process boundary with the message. */
  readonly code = 'BACKEND_UNAVAILABLE';

  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

// Native packages in order of preference. Both register the backend as `tensorflow`.
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * Selects and initialises a backend, and returns the name of the one in use (`tf.getBackend()`).
 *
 * Without a preference it tries `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node` (each only
 * if installed: they are optional because they download libtensorflow at install time), `wasm`,
 * then `cpu`. A preference, or `RUNG_TF_BACKEND`, forces one and fails if it cannot be had, so a
 * benchmark never runs on a slower backend than the one it asked for.
 *
 * @param preferred one of {@link BACKEND_CHOICES}; defaults to `RUNG_TF_BACKEND`, then `auto`
 * @param log receives a line for each backend skipped for a reason other than absence
 * @throws BackendUnavailableError when a forced backend cannot be initialised
 * @throws TypeError when `preferred` is not a known choice
 */
export async function selectBackend(
  preferred: string | undefined = process.env.RUNG_TF_BACKEND,
  log: (message: string) => void = () => {},
): Promise<string> {
  const choice = parseChoice(preferred);
  // Prod mode skips per-op debug checks (faster) and silences tfjs's console banner, which would
  // otherwise land in every trial's log.
  tf.enableProdMode();

  if (choice === 'auto' || choice === 'tensorflow') {
    const failures: string[] = [];
    for (const pkg of NATIVE_PACKAGES) {
      const outcome = await tryNative(pkg);
      if (outcome === 'ok') return tf.getBackend();
      if (outcome !== 'absent') {
        failures.push(`${pkg}: ${outcome}`);
        log(`TensorFlow.js backend ${pkg} is installed but failed to load: ${outcome}`);
      }
    }
    if (choice === 'tensorflow') {
      throw new BackendUnavailableError(
        failures.length > 0
          ? `RUNG_TF_BACKEND=tensorflow, but the native backend failed to load (${failures.join('; ')})`
          : `RUNG_TF_BACKEND=tensorflow, but neither ${NATIVE_PACKAGES.join(' nor ')} is installed`,
      );
    }
  }

  if (choice === 'auto' || choice === 'wasm') {
    const problem = await tryWasm();
    if (problem === undefined) return tf.getBackend();
    if (choice === 'wasm') {
      throw new BackendUnavailableError(`RUNG_TF_BACKEND=wasm, but ${problem}`);
    }
    log(`TensorFlow.js backend wasm skipped: ${problem}`);
  }

  if (!(await tf.setBackend('cpu'))) {
    throw new BackendUnavailableError('the TensorFlow.js cpu backend failed to initialise');
  }
  return tf.getBackend();
}

function parseChoice(preferred: string | undefined): BackendChoice {
  const value = (preferred ?? '').trim().toLowerCase() || 'auto';
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new TypeError(
    `RUNG_TF_BACKEND must be one of ${BACKEND_CHOICES.join(', ')}; got "${preferred}"`,
  );
}

/** `ok`, `absent` (not installed), or why an installed package did not work. */
async function tryNative(pkg: string): Promise<string> {
  try {
    // A variable specifier keeps bundlers and tsc from resolving a package that is optional.
    await import(/* @vite-ignore */ pkg);
  } catch (err) {
    if (isMissingPackage(err, pkg)) return 'absent';
    return err instanceof Error ? err.message : String(err);
  }
  try {
    return (await tf.setBackend('tensorflow')) ? 'ok' : 'setBackend("tensorflow") returned false';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function isMissingPackage(err: unknown, pkg: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = String(message ?? '');
  // Node says ERR_MODULE_NOT_FOUND for the package itself; a missing *dependency* of an installed
  // package (libtensorflow, CUDA) is a broken install and must be reported, so check the name.
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find/i.test(text)) &&
    text.includes(pkg)
  );
}

let wasmPathsSet = false;

/** Undefined when the wasm backend is in use, else why not. */
async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // In Node the emscripten loader reads the .wasm binaries from disk; without an explicit
      // directory it looks next to the calling script, which is not where npm put them.
      wasm.setWasmPaths(wasmDirectory());
      wasmPathsSet = true;
    }
    if (await tf.setBackend('wasm')) return undefined;
    return 'its WebAssembly module failed to initialise';
  } catch (err) {
    return `it failed to load: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The folder holding tfjs-backend-wasm's .wasm files, with a trailing separator. */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkgJson), 'dist') + path.sep;
}
