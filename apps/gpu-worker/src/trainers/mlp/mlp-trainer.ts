/**
 * The built-in `mlp` trainer: an MLP classifier in TensorFlow.js on a generated data set,
 * reporting `loss`, `accuracy`, `val_loss` and `val_accuracy` after every epoch, and saving its
 * weights and optimizer state after every epoch (a retried trial resumes from them).
 *
 * Sized for sweeps on small machines: with the defaults (3000 rows, 2×64 relu, batch 64,
 * 20 epochs) one trial trains in about 3.5 s of CPU on the wasm backend, plus about 1.5 s to
 * start its process and load TensorFlow.js.
 */
import { createRng, type Params } from '@rung/search';
import * as tf from '@tensorflow/tfjs';
import { type TrainerContext, TrainingDivergedError, type TrainResult } from '../trainer.js';
import { makeDataset, permutation } from './dataset.js';
import { loadCheckpoint, saveCheckpoint } from './mlp-checkpoint.js';
import { type MlpParams, parseMlpOptions, parseMlpParams } from './mlp-config.js';
import { Mlp, makeOptimizer } from './mlp-model.js';

/** This trainer runs on TensorFlow.js: the trial process selects a backend first. */
export const tfjs = true;

/**
 * It disposes every tensor it makes (tested), so its process, TensorFlow.js loaded, can train the
 * slot's next trial: no fork and no second or so of loading between trials.
 */
export const reusable = true;

/** Metrics of one epoch, as reported. */
export interface MlpEpochMetrics extends TrainResult {
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

// The first of the per-epoch random streams (epoch e uses EPOCH_STREAMS + e).
const EPOCH_STREAMS = 0x6d6c7000;

// How long training may hold the event loop before yielding, so the trial process still hears
// a `stop` message (and its parent going away) while an epoch runs.
const YIELD_EVERY_MS = 20;

/**
 * Trains the MLP for `epochs` epochs, or until `ctx.signal` aborts (checked before every batch).
 * @returns the last epoch's metrics, or undefined when stopped before the first epoch ended
 * @throws TrainerConfigError on an unknown or invalid parameter or option
 * @throws TrainingDivergedError when the loss becomes NaN or infinite
 */
export async function train(
  rawParams: Params,
  ctx: TrainerContext,
): Promise<MlpEpochMetrics | undefined> {
  const options = parseMlpOptions(ctx.options);
  const params = parseMlpParams(rawParams, options);
  const data = makeDataset({
    name: options.dataset,
    samples: options.samples,
    validationFraction: options.validation_fraction,
    seed: options.data_seed,
  });

  const model = new Mlp(data.features, data.classes, params, createRng(ctx.seed, 0x6d6c70));
  const optimizer = makeOptimizer(params.optimizer, params.learning_rate);

  const nTrain = data.trainY.length;
  const nVal = data.valY.length;
  const trainSet = tf.tidy(() =>
    split(data.trainX, data.trainY, nTrain, data.features, data.classes),
  );
  const valSet = tf.tidy(() => split(data.valX, data.valY, nVal, data.features, data.classes));

  let last: MlpEpochMetrics | undefined;
  let lastYield = performance.now();
  try {
    const resumedAfter = ctx.resumeFrom?.step ?? 0;
    if (ctx.resumeFrom) {
      await loadCheckpoint(ctx.resumeFrom.dir, resumedAfter, model, optimizer);
      ctx.log(`resumed from the checkpoint after epoch ${resumedAfter}`);
    }
    for (let epoch = resumedAfter + 1; epoch <= params.epochs; epoch++) {
      // Each epoch's own streams (shuffling, dropout), so a resumed trial draws what the
      // uninterrupted one would have; apart, so changing the dropout rate keeps the shuffling.
      const epochRng = createRng(ctx.seed, EPOCH_STREAMS + epoch);
      const shuffleRng = epochRng.fork(2);
      const dropoutRng = epochRng.fork(3);
      const order = permutation(nTrain, shuffleRng);
      for (let start = 0; start < nTrain; start += params.batch_size) {
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        if (ctx.signal.aborted) return last;
        const rows = order.subarray(start, Math.min(start + params.batch_size, nTrain));
        const dropout = { rate: params.dropout, seed: dropoutRng.int(2 ** 30) };
        tf.tidy(() => {
          const idx = tf.tensor1d(rows, 'int32');
          const xb = tf.gather(trainSet.x, idx);
          const yb = tf.gather(trainSet.oneHot, idx);
          optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(yb, model.logits(xb, dropout)) as tf.Scalar,
            false,
            model.variables,
          );
        });
      }
      const t = evaluate(model, trainSet);
      const v = evaluate(model, valSet);
      if (![t.loss, v.loss].every(Number.isFinite)) {
        throw new TrainingDivergedError(
          `mlp trainer: training diverged at epoch ${epoch} (loss ${t.loss}, val_loss ${v.loss}); ` +
            `learning_rate ${params.learning_rate} is likely too high for ${describe(params)}`,
        );
      }
      last = { loss: t.loss, accuracy: t.accuracy, val_loss: v.loss, val_accuracy: v.accuracy };
      ctx.report(epoch, last);
      await saveCheckpoint(ctx.checkpointDir, epoch, model, optimizer);
      ctx.checkpointSaved(epoch);
    }
    return last;
  } finally {
    tf.dispose([
      trainSet.x,
      trainSet.oneHot,
      trainSet.labels,
      valSet.x,
      valSet.oneHot,
      valSet.labels,
    ]);
    optimizer.dispose();
    model.dispose();
  }
}

// A type alias, not an interface, so that tf.tidy accepts it as a TensorContainer.
type Split = {
  x: tf.Tensor2D;
  oneHot: tf.Tensor2D;
  labels: tf.Tensor1D;
};

function split(
  x: Float32Array,
  y: Int32Array,
  n: number,
  features: number,
  classes: number,
): Split {
  const labels = tf.tensor1d(y, 'int32');
  return {
    x: tf.tensor2d(x, [n, features]),
    oneHot: tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D,
    labels,
  };
}

/** Loss and accuracy over a whole split, without dropout. */
function evaluate(model: Mlp, s: Split): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const logits = model.logits(s.x);
    const loss = tf.losses.softmaxCrossEntropy(s.oneHot, logits);
    const correct = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), s.labels), 'float32'));
    return { loss: loss.dataSync()[0]!, accuracy: correct.dataSync()[0]! };
  });
}

function describe(p: MlpParams): string {
  return `optimizer ${p.optimizer} with ${p.hidden_layers}×${p.hidden_units} ${p.activation}`;
}
