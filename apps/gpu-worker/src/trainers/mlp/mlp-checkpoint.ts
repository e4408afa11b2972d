/**
 * The MLP's checkpoints: its weights and its optimizer's state (moments, iteration count) after an
 * epoch, one file per epoch, so that a resumed trial trains on exactly as the uninterrupted one
 * would.
 *
 * Why a file per epoch: the worker may die after a file is written but before its announcement
 * is recorded, so the last file can be newer than the checkpoint the trial resumes from (the
 * reports after that step were never stored). Loading the epoch asked for keeps the curve whole;
 * the last few are kept, older ones deleted.
 *
 * Format: a 4-byte little-endian header length, a JSON header `{ epoch, tensors: [{ shape,
 * dtype, name? }] }`, then each tensor's values (4 bytes each) in that order. The model's
 * variables come first, then the optimizer's weights in the order `getWeights` gives them.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Mlp } from './mlp-model.js';

// Checkpoints kept: the announcements of the newest may still be on their way when a worker dies.
const KEEP = 3;

/** The file holding the state after `epoch`. */
export function checkpointFile(dir: string, epoch: number): string {
  return path.join(dir, `mlp-epoch-${epoch}.bin`);
}

interface TensorEntry {
  shape: number[];
  dtype: 'float32' | 'int32';
  /** The optimizer's name for one of its weights (it finds them by position). */
  name?: string;
}

interface Header {
  epoch: number;
  /** How many of the tensors are the model's; the rest are the optimizer's. */
  modelTensors: number;
  tensors: TensorEntry[];
}

/**
 * Writes the state after `epoch` into `dir` (under a temporary name until complete, so a crash
 * mid-write leaves no half file), and deletes all but the last few.
 */
export async function saveCheckpoint(
  dir: string,
  epoch: number,
  model: Mlp,
  optimizer: tf.Optimizer,
): Promise<void> {
  const weights = await optimizer.getWeights();
  const tensors: { entry: TensorEntry; values: Float32Array | Int32Array }[] = [];
  try {
    for (const v of model.variables) tensors.push(await encode(v));
    for (const w of weights) tensors.push(await encode(w.tensor, w.name));
  } finally {
    // The moments are the optimizer's own variables; only what getWeights made is ours.
    for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
  const header: Header = {
    epoch,
    modelTensors: model.variables.length,
    tensors: tensors.map((t) => t.entry),
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const body = tensors.map((t) =>
    Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength),
  );
  await mkdir(dir, { recursive: true });
  const file = checkpointFile(dir, epoch);
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.concat([length, json, ...body]));
  await rename(partial, file);
  for (const name of await readdir(dir)) {
    const old = /^mlp-epoch-(\d+)\.bin$/.exec(name);
    if (old && Number(old[1]) <= epoch - KEEP) await rm(path.join(dir, name), { force: true });
  }
}

/**
 * Loads the state after `epoch` saved in `dir` into a model and optimizer built with the same
 * parameters.
 * @throws Error when the file is missing, cut short, or made by a differently shaped model
 */
export async function loadCheckpoint(
  dir: string,
  epoch: number,
  model: Mlp,
  optimizer: tf.Optimizer,
): Promise<void> {
  const file = checkpointFile(dir, epoch);
  const bytes = await readFile(file);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString()) as Header;
  const variables = model.variables;
  if (header.modelTensors !== variables.length) {
    throw new Error(
      `${file}: holds ${header.modelTensors} model tensors, the model has ${variables.length}`,
    );
  }
  let offset = 4 + headerLength;
  const loaded: tf.Tensor[] = [];
  try {
    for (const entry of header.tensors) {
      const size = entry.shape.reduce((a, b) => a * b, 1);
      const end = offset + size * 4;
      if (end > bytes.length) throw new Error(`${file}: cut short`);
      // A copy: the file's buffer need not be aligned for a typed-array view.
      const raw = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + end);
      const values = entry.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw);
      loaded.push(tf.tensor(values, entry.shape, entry.dtype));
      offset = end;
    }
    variables.forEach((v, i) => {
      const t = loaded[i]!;
      if (!tf.util.arraysEqual(t.shape, v.shape)) {
        throw new Error(`${file}: tensor ${i} has shape [${t.shape}], the model [${v.shape}]`);
      }
      v.assign(t);
    });
    await optimizer.setWeights(
      header.tensors.slice(header.modelTensors).map((entry, i) => ({
        name: entry.name ?? `weight_${i}`,
        tensor: loaded[header.modelTensors + i]!,
      })),
    );
  } finally {
    // Variables (the model's, and the optimizer's new ones) hold their own copies.
    tf.dispose(loaded);
  }
}

async function encode(
  t: tf.Tensor,
  name?: string,
): Promise<{ entry: TensorEntry; values: Float32Array | Int32Array }> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new Error(`mlp checkpoint: cannot save a ${t.dtype} tensor`);
  }
  const values = (await t.data()) as Float32Array | Int32Array;
  return { entry: { shape: [...t.shape], dtype: t.dtype, ...(name && { name }) }, values };
}
