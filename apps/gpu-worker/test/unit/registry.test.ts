import { describe, expect, it } from 'vitest';
import {
  asTrainer,
  listTrainers,
  loadTrainer,
  UnknownTrainerError,
} from '../../src/trainers/registry.js';

describe('trainer registry', () => {
  it('lists the built-in trainers', () => {
    expect(listTrainers()).toEqual(['mlp', 'sleep']);
  });

  it('loads mlp as a TensorFlow.js trainer', async () => {
    const trainer = await loadTrainer('mlp');
    expect(typeof trainer.train).toBe('function');
    expect(trainer.tfjs).toBe(true);
  });

  it('loads sleep without TensorFlow.js', async () => {
    expect((await loadTrainer('sleep')).tfjs).toBe(false);
  });

  it('rejects an unknown name, listing the known ones', async () => {
    const err = await loadTrainer('mlpp').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownTrainerError);
    expect((err as Error).message).toBe('unknown trainer "mlpp"; this worker has: mlp, sleep');
  });

  it('checks the shape of a module trainer', () => {
    expect(() => asTrainer({ default: () => {} }, 'module x')).toThrow(
      'module x does not export a train(params, ctx) function',
    );
    const train = async () => undefined;
    expect(asTrainer({ train, tfjs: false }, 'm')).toEqual({ train, tfjs: false, reusable: false });
    expect(asTrainer({ train, reusable: true }, 'm').reusable).toBe(true);
    expect(asTrainer({ train }, 'm').tfjs).toBe(true);
  });
});
