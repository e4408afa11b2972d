import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, selectBackend } from '../../src/trainers/tf-backend.js';

const require = createRequire(import.meta.url);
const installed = (pkg: string) => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const hasNative = installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node');

/** A small product whose result is known, computed on the current backend. */
async function product(): Promise<number[]> {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const b = tf.matMul(a, a);
  const out = Array.from(await b.data());
  tf.dispose([a, b]);
  return out;
}

describe('selectBackend', () => {
  const saved = process.env.RUNG_TF_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.RUNG_TF_BACKEND;
    else process.env.RUNG_TF_BACKEND = saved;
  });

  it('picks the best installed backend and returns the one in use', async () => {
    const backend = await selectBackend('auto');
    expect(backend).toBe(tf.getBackend());
    // Without the native bindings (as on CI), WASM must win over the plain JS backend.
    expect(backend).toBe(hasNative ? 'tensorflow' : 'wasm');
    expect(await product()).toEqual([7, 10, 15, 22]);
  });

  it.each(['wasm', 'cpu'])('forces %s, which then computes', async (name) => {
    expect(await selectBackend(name)).toBe(name);
    expect(tf.getBackend()).toBe(name);
    expect(await product()).toEqual([7, 10, 15, 22]);
  });

  it('follows RUNG_TF_BACKEND when no preference is given', async () => {
    process.env.RUNG_TF_BACKEND = 'cpu';
    expect(await selectBackend()).toBe('cpu');
    process.env.RUNG_TF_BACKEND = 'WASM';
    expect(await selectBackend()).toBe('wasm');
  });

  it.skipIf(hasNative)('fails clearly when the forced native backend is missing', async () => {
    const err = await selectBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(
      /RUNG_TF_BACKEND=tensorflow, but neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/,
    );
  });

  it('rejects an unknown choice', async () => {
    await expect(selectBackend('webgpu')).rejects.toThrow(
      /RUNG_TF_BACKEND must be one of auto, tensorflow, wasm, cpu; got "webgpu"/,
    );
  });
});
