import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointFile } from '../../src/trainers/mlp/mlp-checkpoint.js';
import { train } from '../../src/trainers/mlp/mlp-trainer.js';
import { selectBackend } from '../../src/trainers/tf-backend.js';
import {
  TrainerConfigError,
  type TrainerContext,
  TrainingDivergedError,
} from '../../src/trainers/trainer.js';

type Report = { step: number; metrics: Record<string, number> };

let backend: string;
beforeAll(async () => {
  backend = await selectBackend();
});

/**
 * A context that records reports and checkpoints (in a folder of its own); `onReport` may abort
 * through the returned controller; `resumeStep` resumes from the checkpoint in `checkpointDir`.
 */
function context(
  options: Record<string, unknown>,
  seed = 1,
  onReport?: (step: number, abort: AbortController) => void,
  resume?: { dir: string; step: number },
) {
  const reports: Report[] = [];
  const checkpoints: number[] = [];
  const controller = new AbortController();
  const checkpointDir = resume?.dir ?? mkdtempSync(path.join(tmpdir(), 'rung-mlp-checkpoint-'));
  const ctx: TrainerContext = {
    trialId: 'sw-test-0',
    report: (step, metrics) => {
      reports.push({ step, metrics: { ...metrics } });
      onReport?.(step, controller);
    },
    signal: controller.signal,
    options,
    seed,
    backend,
    log: () => {},
    checkpointDir,
    ...(resume && { resumeFrom: resume }),
    checkpointSaved: (step) => checkpoints.push(step),
  };
  return { ctx, reports, checkpoints, controller, checkpointDir };
}

// Small enough to train in well under a second per run.
const SMALL = { samples: 600, epochs: 4 };

describe('mlp trainer', () => {
  it('learns: validation loss falls and accuracy beats chance', async () => {
    const { ctx, reports } = context(SMALL);
    const result = await train({}, ctx);
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    const first = reports[0]!.metrics;
    const last = reports[3]!.metrics;
    expect(Object.keys(last).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(last.val_loss).toBeLessThan(first.val_loss! * 0.9);
    expect(last.loss).toBeLessThan(first.loss!);
    // 4 classes: chance is 0.25.
    expect(last.val_accuracy).toBeGreaterThan(0.55);
    expect(result).toEqual(last);
  });

  it('leaves no tensor behind, so its process can run the next trial (it is reusable)', async () => {
    const before = tf.memory().numTensors;
    const first = context(SMALL, 5);
    await train({ dropout: 0.2 }, first.ctx);
    expect(tf.memory().numTensors).toBe(before);
    // Stopped halfway, a divergence, or a bad parameter: nothing left behind either.
    const stopped = context(SMALL, 5, (step, abort) => step === 2 && abort.abort());
    await train({}, stopped.ctx);
    await expect(
      train({ learning_rate: 100, optimizer: 'sgd' }, context(SMALL).ctx),
    ).rejects.toThrow();
    await expect(train({ units: 3 }, context(SMALL).ctx)).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    // And the same seed gives the same curve in a process that trained before.
    const again = context(SMALL, 5);
    await train({ dropout: 0.2 }, again.ctx);
    expect(again.reports).toEqual(first.reports);
  });

  it('saves a checkpoint every epoch; resumed, it trains on as if never interrupted', async () => {
    const params = { dropout: 0.2, optimizer: 'adam' };
    const whole = context(SMALL, 9);
    await train(params, whole.ctx);
    expect(whole.checkpoints).toEqual([1, 2, 3, 4]);
    // The last three are kept.
    expect(readdirSync(whole.checkpointDir).sort()).toEqual(
      [2, 3, 4].map((e) => path.basename(checkpointFile(whole.checkpointDir, e))),
    );

    // Stopped after epoch 3, whose checkpoint never reached the store (the worker died): a new
    // attempt resumes from epoch 2's, the last one recorded.
    const before = tf.memory().numTensors;
    const first = context(SMALL, 9, (step, abort) => step === 3 && abort.abort());
    await train(params, first.ctx);
    expect(first.checkpoints).toEqual([1, 2, 3]);
    const resumed = context(SMALL, 9, undefined, { dir: first.checkpointDir, step: 2 });
    await train(params, resumed.ctx);
    expect(resumed.reports.map((r) => r.step)).toEqual([3, 4]);
    expect(resumed.checkpoints).toEqual([3, 4]);
    for (const [i, r] of resumed.reports.entries()) {
      const expected = whole.reports[i + 2]!.metrics;
      for (const [name, value] of Object.entries(r.metrics)) {
        expect(value, `${name} at step ${r.step}`).toBeCloseTo(expected[name]!, 5);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['sgd', 'rmsprop', 'adagrad'])(
    'resumes with the %s optimizer’s state',
    async (optimizer) => {
      const params = { optimizer, learning_rate: 0.01 };
      const whole = context({ samples: 300, epochs: 3 }, 4);
      await train(params, whole.ctx);
      const first = context(
        { samples: 300, epochs: 3 },
        4,
        (step, abort) => step === 1 && abort.abort(),
      );
      await train(params, first.ctx);
      const resumed = context({ samples: 300, epochs: 3 }, 4, undefined, {
        dir: first.checkpointDir,
        step: 1,
      });
      await train(params, resumed.ctx);
      expect(resumed.reports.map((r) => r.step)).toEqual([2, 3]);
      expect(resumed.reports[1]!.metrics.val_loss).toBeCloseTo(
        whole.reports[2]!.metrics.val_loss!,
        5,
      );
    },
  );

  it('refuses a checkpoint of a differently shaped model', async () => {
    const first = context({ samples: 300, epochs: 1 }, 4);
    await train({ hidden_layers: 1 }, first.ctx);
    const resumed = context({ samples: 300, epochs: 2 }, 4, undefined, {
      dir: first.checkpointDir,
      step: 1,
    });
    await expect(train({ hidden_layers: 2 }, resumed.ctx)).rejects.toThrow(/model tensors/);
  });

  it('gives the same curve for the same seed, and another for another seed', async () => {
    const run = async (seed: number) => {
      const { ctx, reports } = context({ samples: 300, epochs: 2 }, seed);
      await train({ dropout: 0.3, hidden_units: 16 }, ctx);
      return reports;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('takes epochs from the params over the options', async () => {
    const { ctx, reports } = context({ samples: 200, epochs: 5 });
    await train({ epochs: 2, hidden_layers: 0 }, ctx);
    expect(reports.map((r) => r.step)).toEqual([1, 2]);
  });

  it('stops when the signal aborts, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const { ctx, reports } = context({ samples: 300, epochs: 50 }, 1, (step, abort) => {
      if (step === 2) abort.abort();
    });
    const result = await train({ batch_size: 16 }, ctx);
    expect(reports.map((r) => r.step)).toEqual([1, 2]);
    expect(result).toEqual(reports[1]!.metrics);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not train at all when already aborted', async () => {
    const { ctx, reports, controller } = context(SMALL);
    controller.abort();
    await expect(train({}, ctx)).resolves.toBeUndefined();
    expect(reports).toEqual([]);
  });

  it.each([
    [{ learning_rte: 0.1 }, /unknown parameter "learning_rte"; known parameters: learning_rate/],
    [{ activation: 'relux' }, /activation must be one of relu, tanh, elu, sigmoid; got "relux"/],
    [{ optimizer: 'lbfgs' }, /optimizer must be one of/],
    [{ dropout: 1 }, /dropout must be a number in \[0, 0\.95\]; got 1/],
    [{ batch_size: 12.5 }, /batch_size must be an integer/],
    [{ hidden_units: '64' }, /hidden_units must be an integer in \[1, 4096\]; got "64"/],
    [{ learning_rate: 0 }, /learning_rate must be a number in \(0, 100\]/],
  ])('rejects the bad params %j', async (params, message) => {
    const { ctx, reports } = context(SMALL);
    const err = await train(params, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainerConfigError);
    expect((err as Error).message).toMatch(message);
    expect(reports).toEqual([]);
  });

  it.each([
    [{ dataset: 'mnist' }, /option dataset must be one of tabular, spirals/],
    [{ sample: 100 }, /unknown option "sample"/],
    [{ samples: 5 }, /option samples must be an integer in \[20,/],
  ])('rejects the bad options %j', async (options, message) => {
    const { ctx } = context(options);
    await expect(train({}, ctx)).rejects.toThrow(message);
  });

  it('fails a diverging run with a clear error, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const { ctx } = context({ samples: 300, epochs: 3 });
    const err = await train({ optimizer: 'sgd', learning_rate: 50, activation: 'elu' }, ctx).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as Error).message).toMatch(
      /diverged at epoch \d.*learning_rate 50 is likely too high/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on the spirals data set too', async () => {
    const { ctx, reports } = context({ dataset: 'spirals', samples: 300, epochs: 3 });
    await train({ activation: 'tanh' }, ctx);
    expect(reports).toHaveLength(3);
    // 3 classes: chance is 1/3.
    expect(reports[2]!.metrics.accuracy).toBeGreaterThan(0.4);
  });
});
