/**
 * A multilayer perceptron written directly on TensorFlow.js ops rather than `tf.layers`.
 *
 * Why not `tf.sequential`: its dropout draws from `Math.random` (or repeats one mask when given a
 * seed) and `fit` shuffles with `Math.random`, so a trial could not be reproduced from its seed.
 * Here weights come from the trial's RNG and each batch's dropout mask from a seed derived from
 * it, so the same seed on the same backend gives the same learning curve.
 */
import type { Rng } from '@rung/search';
import * as tf from '@tensorflow/tfjs';
import type { MlpParams } from './mlp-config.js';

interface DenseLayer {
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

const ACTIVATION_FNS: Record<MlpParams['activation'], (x: tf.Tensor2D) => tf.Tensor2D> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  elu: (x) => tf.elu(x),
  sigmoid: (x) => tf.sigmoid(x),
};

/** The network: `hidden_layers` dense layers of `hidden_units`, then a softmax output layer. */
export class Mlp {
  private readonly layers: DenseLayer[] = [];
  private readonly activation: (x: tf.Tensor2D) => tf.Tensor2D;

  /**
   * @param rng draws the initial weights: He-normal for relu/elu, Glorot-uniform otherwise and
   *   for the output layer (the usual choices that keep activations' variance steady)
   */
  constructor(
    inputs: number,
    outputs: number,
    params: Pick<MlpParams, 'hidden_units' | 'hidden_layers' | 'activation'>,
    rng: Rng,
  ) {
    this.activation = ACTIVATION_FNS[params.activation];
    const he = params.activation === 'relu' || params.activation === 'elu';
    let fanIn = inputs;
    for (let l = 0; l <= params.hidden_layers; l++) {
      const output = l === params.hidden_layers;
      const fanOut = output ? outputs : params.hidden_units;
      const w = new Float32Array(fanIn * fanOut);
      if (he && !output) {
        const std = Math.sqrt(2 / fanIn);
        for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
      } else {
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        for (let i = 0; i < w.length; i++) w[i] = limit * (2 * rng.next() - 1);
      }
      // tidy frees the initial-value tensors; the variables keep their own reference.
      this.layers.push(
        tf.tidy(() => ({
          kernel: tf.variable(tf.tensor2d(w, [fanIn, fanOut])),
          bias: tf.variable(tf.zeros([fanOut]) as tf.Tensor1D),
        })),
      );
      fanIn = fanOut;
    }
  }

  /** The trainable variables, for the optimizer. */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias]);
  }

  /**
   * Unnormalised class scores for a batch of rows.
   * @param dropout when training: the rate, and a seed naming this batch's masks
   */
  logits(x: tf.Tensor2D, dropout?: { rate: number; seed: number }): tf.Tensor2D {
    let h = x;
    this.layers.forEach((layer, l) => {
      h = tf.add(tf.matMul(h, layer.kernel), layer.bias) as tf.Tensor2D;
      if (l < this.layers.length - 1) {
        h = this.activation(h);
        if (dropout && dropout.rate > 0) {
          h = tf.dropout(h, dropout.rate, undefined, dropout.seed + l) as tf.Tensor2D;
        }
      }
    });
    return h;
  }

  /** Frees the weights. */
  dispose(): void {
    for (const l of this.layers) {
      l.kernel.dispose();
      l.bias.dispose();
    }
  }
}

/** The optimizer named by `optimizer`, at `learning_rate`, with TensorFlow.js's defaults otherwise. */
export function makeOptimizer(name: MlpParams['optimizer'], learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
  }
}
