import { DEFAULT_LIMITS, SpecError } from '@rung/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { InlineSpecValidator, ThreadSpecValidator, validateSweep } from '../../src/index.js';

const thread = new ThreadSpecValidator();
afterAll(() => thread.close());

const SPEC = `
method: bayes
trainer: mlp
metric: { name: acc, goal: maximize }
parameters:
  lr: { distribution: log_uniform_values, min: 0.0001, max: 0.1 }
  layers: { min: 1, max: 4 }
run_cap: 20
`;

/** A spec of about 1 MB: 158,000 values of one parameter. */
const BIG = JSON.stringify({
  method: 'random',
  trainer: 'mlp',
  parameters: { units: { values: Array.from({ length: 158_000 }, (_, i) => i) } },
});

describe('validating specs in a worker thread', () => {
  it('gives what validating inline gives', async () => {
    const inline = await new InlineSpecValidator().validate(SPEC, 'yaml', DEFAULT_LIMITS);
    expect(await thread.validate(SPEC, 'yaml', DEFAULT_LIMITS)).toEqual(inline);
    expect(inline).toEqual(validateSweep(SPEC, 'yaml', DEFAULT_LIMITS));
    expect(inline.sampler).toBe('gp');
  });

  it('brings a bad spec’s every issue back as a SpecError', async () => {
    const bad = SPEC.replace('min: 0.0001, max: 0.1', 'min: 0.1, max: 0.0001').concat(
      'parallelism: 5000\n',
    );
    const err = await thread.validate(bad, 'yaml', DEFAULT_LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    const paths = (err as SpecError).issues.map((i) => i.path);
    expect(paths[0]).toMatch(/^parameters\.lr\./);
    const limits = await thread
      .validate(SPEC.concat('parallelism: 5000\n'), 'yaml', DEFAULT_LIMITS)
      .catch((e: unknown) => e);
    expect((limits as SpecError).issues).toEqual([
      {
        path: 'parallelism',
        message: "must be at most 1000, this cluster's limit (RUNG_MAX_PARALLELISM)",
      },
    ]);
  });

  it('leaves the event loop free while a 1 MB spec is validated', async () => {
    const turns = async (validating: Promise<unknown>) => {
      let n = 0;
      let done = false;
      void validating.finally(() => {
        done = true;
      });
      while (!done) {
        await new Promise((r) => setImmediate(r));
        n++;
      }
      return n;
    };
    // Inline, the validation holds the loop from start to end: it turns once, to see it done.
    expect(await turns(new InlineSpecValidator().validate(BIG, 'json', DEFAULT_LIMITS))).toBe(1);
    expect(await turns(thread.validate(BIG, 'json', DEFAULT_LIMITS))).toBeGreaterThan(100);
  });
});
