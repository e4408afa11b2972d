/**
 * The built-in trainer's data: generated, seeded, so every machine trains on the same rows and
 * no file has to ship or download.
 *
 * `tabular` is built like scikit-learn's `make_classification`: each class is a few Gaussian
 * clusters on hypercube vertices in an informative subspace, plus redundant (linear mixes) and
 * pure-noise features, and a share of flipped labels. No linear model separates it, the noise
 * features invite overfitting, and the flipped labels cap accuracy below 100%, so hyperparameters
 * visibly matter. `spirals` is the classic interleaved-arms problem in 2-D, where depth and the
 * activation function matter most.
 */
import { createRng, type Rng } from '@rung/search';

/** Names of the generated data sets. */
export const DATASETS = ['tabular', 'spirals'] as const;

/** One of {@link DATASETS}. */
export type DatasetName = (typeof DATASETS)[number];

/** Rows as a flat row-major matrix, split into train and validation, standardised. */
export interface Dataset {
  name: DatasetName;
  features: number;
  classes: number;
  trainX: Float32Array;
  trainY: Int32Array;
  valX: Float32Array;
  valY: Int32Array;
}

/** How to generate a data set. */
export interface DatasetOptions {
  name: DatasetName;
  /** Rows in all, train + validation. */
  samples: number;
  /** Share of rows held out for validation. */
  validationFraction: number;
  /** Seed of the data itself; the same for every trial of a sweep, so trials compare fairly. */
  seed: number;
}

/** Generates, shuffles, splits and standardises a data set; the same options give the same rows. */
export function makeDataset(opts: DatasetOptions): Dataset {
  const rng = createRng(opts.seed, 0x0da7a);
  const raw = opts.name === 'spirals' ? spirals(opts.samples, rng) : tabular(opts.samples, rng);
  const { x, y, features } = raw;
  const n = y.length;

  // Rows come out grouped by cluster; shuffle before splitting so both sides see every class.
  const order = permutation(n, rng);
  const nVal = Math.max(1, Math.round(n * opts.validationFraction));
  const nTrain = n - nVal;
  const trainX = new Float32Array(nTrain * features);
  const trainY = new Int32Array(nTrain);
  const valX = new Float32Array(nVal * features);
  const valY = new Int32Array(nVal);
  for (let i = 0; i < n; i++) {
    const src = order[i]!;
    const row = x.subarray(src * features, (src + 1) * features);
    if (i < nTrain) {
      trainX.set(row, i * features);
      trainY[i] = y[src]!;
    } else {
      valX.set(row, (i - nTrain) * features);
      valY[i - nTrain] = y[src]!;
    }
  }
  standardise(trainX, valX, features);
  return { name: opts.name, features, classes: raw.classes, trainX, trainY, valX, valY };
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

interface RawData {
  x: Float32Array;
  y: Int32Array;
  features: number;
  classes: number;
}

const TABULAR = {
  classes: 4,
  clustersPerClass: 2,
  informative: 8,
  redundant: 4,
  noise: 12,
  /** Half the distance between neighbouring cluster centres, in informative units. */
  classSep: 1.5,
  /** Share of labels replaced by a random class. */
  flip: 0.05,
};

function tabular(n: number, rng: Rng): RawData {
  const { classes, clustersPerClass, informative, redundant, noise, classSep, flip } = TABULAR;
  const features = informative + redundant + noise;
  const clusters = classes * clustersPerClass;

  // Distinct hypercube vertices as cluster centres.
  const vertices = permutation(1 << informative, rng).subarray(0, clusters);
  const centres = [...vertices].map((v) =>
    Array.from({ length: informative }, (_, d) => ((v >> d) & 1 ? classSep : -classSep)),
  );
  // A random linear map per cluster gives each a different, correlated shape.
  const shapes = Array.from({ length: clusters }, () =>
    Array.from({ length: informative * informative }, () => 2 * rng.next() - 1),
  );
  const mix = Array.from({ length: informative * redundant }, () => 2 * rng.next() - 1);

  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  const z = new Float64Array(informative);
  const inf = new Float64Array(informative);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    const row = i * features;
    const shape = shapes[c]!;
    for (let d = 0; d < informative; d++) z[d] = rng.normal();
    for (let d = 0; d < informative; d++) {
      let s = centres[c]![d]!;
      for (let k = 0; k < informative; k++) s += z[k]! * shape[k * informative + d]!;
      inf[d] = s;
      x[row + d] = s;
    }
    for (let r = 0; r < redundant; r++) {
      let s = 0;
      for (let k = 0; k < informative; k++) s += inf[k]! * mix[k * redundant + r]!;
      x[row + informative + r] = s;
    }
    for (let k = 0; k < noise; k++) x[row + informative + redundant + k] = rng.normal();
    y[i] = rng.next() < flip ? rng.int(classes) : c % classes;
  }
  return { x, y, features, classes };
}

const SPIRALS = { classes: 3, turns: 1.25, noise: 0.25 };

function spirals(n: number, rng: Rng): RawData {
  const { classes, turns, noise } = SPIRALS;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const r = rng.next();
    const angle = (2 * Math.PI * c) / classes + 2 * Math.PI * turns * r + noise * rng.normal();
    x[2 * i] = r * Math.sin(angle);
    x[2 * i + 1] = r * Math.cos(angle);
    y[i] = c;
  }
  return { x, y, features: 2, classes };
}

/** Scales every column to zero mean, unit variance, with the training rows' statistics only. */
function standardise(train: Float32Array, val: Float32Array, features: number): void {
  const nTrain = train.length / features;
  for (let d = 0; d < features; d++) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < nTrain; i++) {
      const v = train[i * features + d]!;
      sum += v;
      sq += v * v;
    }
    const mean = sum / nTrain;
    const std = Math.sqrt(Math.max(sq / nTrain - mean * mean, 1e-12));
    for (const m of [train, val]) {
      for (let i = d; i < m.length; i += features) m[i] = (m[i]! - mean) / std;
    }
  }
}
