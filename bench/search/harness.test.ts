import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpace, createRng, type Point, type Sampler, type SuggestContext } from '@rung/search';
import { describe, expect, it } from 'vitest';
import { REGRET_FLOOR, regretCheckpoints, runBenchmark } from './harness.js';
import { loadObjective, type Objective } from './objective.js';
import { HARTMANN6_MINIMIZER } from './objectives/hartmann6.js';
import { BUILTIN_OBJECTIVES } from './objectives/index.js';
import { STYBLINSKI_ARGMIN } from './objectives/styblinski4.js';
import { formatRunReport, suiteMarkdown } from './report.js';
import { resolveSamplerName, SAMPLERS, samplerFactory } from './samplers.js';

const at = (name: string, params: Record<string, number>) =>
  BUILTIN_OBJECTIVES[name]!.evaluate(params);
const xs = (values: readonly number[]) => Object.fromEntries(values.map((v, i) => [`x${i}`, v]));

describe('built-in objectives', () => {
  it('take their known optimum at their known minimizers', () => {
    for (const [x1, x2] of [
      [Math.PI, 2.275],
      [-Math.PI, 12.275],
      [9.42478, 2.475],
    ]) {
      expect(at('branin', { x1: x1!, x2: x2! })).toBeCloseTo(0.397887, 5);
    }
    expect(at('hartmann6', xs(HARTMANN6_MINIMIZER))).toBeCloseTo(-3.32237, 4);
    expect(at('rosenbrock4', xs([1, 1, 1, 1]))).toBe(0);
    expect(at('ackley5', xs([0, 0, 0, 0, 0]))).toBeCloseTo(0, 12);
    expect(at('styblinski4', xs(Array(4).fill(STYBLINSKI_ARGMIN)))).toBeCloseTo(-156.66468, 4);
  });

  it('are worse away from the optimum, and declare the optimum they reach', () => {
    expect(at('branin', { x1: 0, x2: 0 })).toBeCloseTo(55.6021, 3);
    expect(at('rosenbrock4', xs([0, 0, 0, 0]))).toBe(3);
    expect(at('ackley5', xs([1, 1, 1, 1, 1]))).toBeCloseTo(3.6254, 3);
    for (const objective of Object.values(BUILTIN_OBJECTIVES)) {
      expect(objective.goal).toBe('minimize');
      expect(objective.optimum).toBeTypeOf('number');
    }
  });

  it('search the domains and budgets of the Optuna baseline', () => {
    const domain = (name: string) => {
      const space = buildSpace(BUILTIN_OBJECTIVES[name]!.parameters);
      const n = space.dimensions.length;
      return [n, space.decode(Array(n).fill(0)), space.decode(Array(n).fill(1))] as const;
    };
    expect(domain('branin')).toEqual([2, { x1: -5, x2: 0 }, { x1: 10, x2: 15 }]);
    expect(domain('hartmann6')).toEqual([6, xs(Array(6).fill(0)), xs(Array(6).fill(1))]);
    expect(domain('rosenbrock4')).toEqual([4, xs(Array(4).fill(-2)), xs(Array(4).fill(2))]);
    expect(domain('ackley5')).toEqual([5, xs(Array(5).fill(-32.768)), xs(Array(5).fill(32.768))]);
    expect(domain('styblinski4')).toEqual([4, xs(Array(4).fill(-5)), xs(Array(4).fill(5))]);
    const budgets = Object.values(BUILTIN_OBJECTIVES).map((o) => o.budget);
    expect(budgets).toEqual([50, 100, 100, 100, 100]);
  });
});

/** f(x) = x on x ∈ [0, 10]: the value is 10 × the unit coordinate. */
function line(goal: Objective['goal'], optimum?: number): Objective {
  return {
    name: 'line',
    parameters: { x: { distribution: 'uniform', min: 0, max: 10 } },
    goal,
    ...(optimum === undefined ? {} : { optimum }),
    evaluate: (p) => p.x as number,
  };
}

/** A sampler that plays `pointAt(ctx)` and records every context it was given. */
function scripted(pointAt: (ctx: SuggestContext) => Point | null) {
  const seen: SuggestContext[] = [];
  const factory = (): Sampler => ({
    name: 'scripted',
    suggest(ctx) {
      seen.push(ctx);
      return pointAt(ctx);
    },
  });
  return { seen, factory };
}

describe('runBenchmark regret bookkeeping', () => {
  // Trial n of seed s scores 10 / ((n + 1)(s + 1)): the best after k trials is 10 / (k(s + 1)).
  const decreasing = scripted((ctx) => [1 / ((ctx.trialNumber + 1) * (ctx.seed + 1))]);

  it('reports the median over seeds of best-so-far − optimum at 10, 25, N/2 and N', () => {
    const result = runBenchmark(line('minimize', 0), decreasing.factory, { trials: 50, seeds: 3 });
    // Seed 1 (factor 1/2) is the median of seeds 0, 1, 2.
    expect(result.medianRegretAt).toEqual({
      '10': expect.closeTo(0.5, 12),
      '25': expect.closeTo(0.2, 12),
      '50': expect.closeTo(0.1, 12),
    });
    const expected = (Math.log10(0.2) + Math.log10(0.1) + Math.log10(0.2 / 3)) / 3;
    expect(result.meanLog10RegretFinal).toBeCloseTo(expected, 12);
    expect(result).toMatchObject({
      objective: 'line',
      sampler: 'scripted',
      trials: 50,
      seeds: 3,
      parallel: 1,
      optimum: 0,
      duplicateSuggestions: 0,
    });
    expect(Object.keys(result)).toEqual([
      'objective',
      'sampler',
      'trials',
      'seeds',
      'parallel',
      'optimum',
      'medianRegretAt',
      'meanLog10RegretFinal',
      'duplicateSuggestions',
      'suggestMs',
    ]);
  });

  it('takes the median of an even number of seeds as the mean of the middle two', () => {
    const result = runBenchmark(line('minimize', 0), decreasing.factory, { trials: 10, seeds: 2 });
    expect(result.medianRegretAt['10']).toBeCloseTo((1 + 0.5) / 2, 12);
  });

  it('measures maximized objectives as optimum − best', () => {
    // Values 1, 2, ..., 10 (u = (n + 1) / 10): the best after k trials is k.
    const rising = scripted((ctx) => [(ctx.trialNumber + 1) / 10]);
    const result = runBenchmark(line('maximize', 10), rising.factory, { trials: 10, seeds: 1 });
    expect(result.medianRegretAt).toEqual({ '5': expect.closeTo(5, 12), '10': 0 });
    expect(result.meanLog10RegretFinal).toBe(Math.log10(REGRET_FLOOR));
    // The sampler sees losses oriented lower-is-better.
    expect(rising.seen[3]!.history.map((t) => t.loss)).toEqual([-1, -2, -3]);
  });

  it('reports the best value instead of regret when there is no optimum', () => {
    const result = runBenchmark(line('maximize'), decreasing.factory, { trials: 10, seeds: 1 });
    expect(result.optimum).toBeNull();
    expect(result.meanLog10RegretFinal).toBeNull();
    expect(result.medianRegretAt['10']).toBeCloseTo(10, 12); // the first trial is the maximum
  });

  it('records non-finite values as failed trials that never count as best', () => {
    const objective: Objective = {
      ...line('minimize', 0),
      evaluate: (p) => ((p.x as number) < 1 ? Number.NaN : (p.x as number)),
    };
    // Values 5, NaN, 2, NaN, ...: the NaN trials would otherwise be the best.
    const s = scripted((ctx) => [ctx.trialNumber % 2 === 0 ? 0.5 - ctx.trialNumber / 100 : 0]);
    const result = runBenchmark(objective, s.factory, { trials: 10, seeds: 1 });
    expect(result.medianRegretAt['10']).toBeCloseTo(4.2, 12);
    expect(s.seen[2]!.history.map((t) => t.state)).toEqual(['completed', 'failed']);
    expect(s.seen[2]!.history[1]!.loss).toBeUndefined();
  });

  it('keeps the last best when the sampler runs out of points', () => {
    const s = scripted((ctx) => (ctx.trialNumber < 3 ? [0.3 - ctx.trialNumber * 0.1] : null));
    const result = runBenchmark(line('minimize', 0), s.factory, { trials: 20, seeds: 1 });
    expect(result.medianRegretAt['20']).toBeCloseTo(1, 12);
    expect(s.seen).toHaveLength(4); // three points, then the null that ends the run
  });

  it('uses the checkpoints 10, 25, N/2 and N that fit in the budget', () => {
    expect(regretCheckpoints(50)).toEqual([10, 25, 50]);
    expect(regretCheckpoints(100)).toEqual([10, 25, 50, 100]);
    expect(regretCheckpoints(7)).toEqual([3, 7]);
    expect(regretCheckpoints(1)).toEqual([1]);
  });
});

describe('runBenchmark simulation', () => {
  const numbers = (ctx: SuggestContext) => ctx.history.map((t) => t.number);

  it('runs sequentially with P = 1: every earlier trial finished, none pending', () => {
    const s = scripted((ctx) => [ctx.rng.next()]);
    runBenchmark(line('minimize', 0), s.factory, { trials: 4, seeds: 2 });
    expect(s.seen.map((c) => [c.seed, c.trialNumber, numbers(c), c.pending.length])).toEqual([
      [0, 0, [], 0],
      [0, 1, [0], 0],
      [0, 2, [0, 1], 0],
      [0, 3, [0, 1, 2], 0],
      [1, 0, [], 0],
      [1, 1, [0], 0],
      [1, 2, [0, 1], 0],
      [1, 3, [0, 1, 2], 0],
    ]);
    // Trial n draws from createRng(seed, n), and its point is what the history records.
    const c = s.seen[6]!;
    expect(c.history[1]!.point).toEqual([createRng(1, 1).next()]);
  });

  it('keeps P trials in flight and finishes the oldest first', () => {
    const s = scripted((ctx) => [ctx.trialNumber / 10]);
    runBenchmark(line('minimize', 0), s.factory, { trials: 6, seeds: 1, parallel: 3 });
    expect(s.seen.map((c) => [c.trialNumber, numbers(c), c.pending])).toEqual([
      [0, [], []],
      [1, [], [[0]]],
      [2, [], [[0], [0.1]]],
      [3, [0], [[0.1], [0.2]]],
      [4, [0, 1], [[0.2], [0.3]]],
      [5, [0, 1, 2], [[0.3], [0.4]]],
    ]);
  });

  it('makes a fresh sampler for every seed', () => {
    let made = 0;
    runBenchmark(
      line('minimize', 0),
      () => {
        made++;
        return { name: 'counting', suggest: (ctx) => [ctx.rng.next()] };
      },
      { trials: 3, seeds: 4 },
    );
    expect(made).toBe(4);
  });

  it('counts suggestions equal to any earlier one of the same seed, pending or finished', () => {
    const choice: Objective = {
      name: 'choice',
      parameters: { c: { distribution: 'categorical', values: ['a', 'b', 'c'] } },
      goal: 'minimize',
      evaluate: (p) => ['a', 'b', 'c'].indexOf(p.c as string),
    };
    // Indices 0, 1, 2, 0, 1, 2, 0: the last four repeat earlier ones.
    const cycling = scripted((ctx) => [ctx.trialNumber % 3]);
    const seq = runBenchmark(choice, cycling.factory, { trials: 7, seeds: 2 });
    expect(seq.duplicateSuggestions).toBe(8);
    // With 4 in flight, trial 3 repeats trial 0 while 0 is still pending: still a duplicate.
    const par = runBenchmark(choice, cycling.factory, { trials: 4, seeds: 1, parallel: 4 });
    expect(par.duplicateSuggestions).toBe(1);
  });

  it('compares points by the params they decode to', () => {
    const quantized: Objective = {
      name: 'quantized',
      parameters: { x: { distribution: 'q_uniform', min: 0, max: 1, q: 0.1 } },
      goal: 'minimize',
      evaluate: (p) => p.x as number,
    };
    // 0.50 and 0.51 both decode to x = 0.5; 0.7 does not.
    const s = scripted((ctx) => [[0.5, 0.51, 0.7][ctx.trialNumber]!]);
    const result = runBenchmark(quantized, s.factory, { trials: 3, seeds: 1 });
    expect(result.duplicateSuggestions).toBe(1);
  });

  it('times every suggestion and reports the one made with 100, 200, … trials done', () => {
    // A fake clock that each suggestion advances by (trials done + 1) ms.
    let now = 0;
    const s = scripted((ctx) => {
      now += ctx.history.length + 1;
      return [ctx.rng.next()];
    });
    const options = { trials: 201, seeds: 3, clock: () => now };
    const seq = runBenchmark(line('minimize', 0), s.factory, options);
    expect(seq.suggestMs).toEqual({
      p50: 101,
      p95: expect.closeTo(191, 9),
      atTrial: { '100': 101, '200': 201 },
    });
    // With 8 in flight the last suggestion sees N − 8 trials done: 100 is reached, 200 is not.
    const par = runBenchmark(line('minimize', 0), s.factory, { ...options, parallel: 8 });
    expect(par.suggestMs.atTrial).toEqual({ '100': 101 });
  });

  it('rejects a point outside the space and bad options', () => {
    const wild = scripted(() => [1.5]);
    expect(() => runBenchmark(line('minimize', 0), wild.factory, { trials: 2, seeds: 1 })).toThrow(
      /scripted, seed 0, trial 0: x coordinate 1.5 is outside the space/,
    );
    expect(() => runBenchmark(line('minimize', 0), wild.factory, { trials: 0, seeds: 1 })).toThrow(
      RangeError,
    );
  });
});

describe('objective modules', () => {
  it('loads a built-in by name and a module by path relative to cwd', async () => {
    expect(await loadObjective('branin')).toBe(BUILTIN_OBJECTIVES.branin);
    const dir = mkdtempSync(join(tmpdir(), 'rung-bench-'));
    writeFileSync(
      join(dir, 'sphere.mjs'),
      `export default {
        name: 'sphere', goal: 'maximize', optimum: 0,
        parameters: { a: { distribution: 'uniform', min: -1, max: 1 } },
        evaluate: (p) => -(p.a * p.a),
      };`,
    );
    const sphere = await loadObjective('./sphere.mjs', dir);
    expect(sphere.name).toBe('sphere');
    expect(sphere.evaluate({ a: 0.5 })).toBe(-0.25);
  });

  it('reads the parameters block as a sweep file does (W&B inference), for every sampler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rung-bench-'));
    writeFileSync(
      join(dir, 'mixed.mjs'),
      `export default {
        name: 'mixed', goal: 'minimize', optimum: 0,
        parameters: {
          lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
          layers: { min: 1, max: 8 },
          dropout: { min: 0.0, max: 0.5 },
          optimizer: { values: ['sgd', 'adam'] },
          width: { value: 64 },
        },
        evaluate: (p) => Math.abs(Math.log10(p.lr) + 3) + Math.abs(p.layers - 3)
          + Math.abs(p.dropout - 0.1) + (p.optimizer === 'adam' ? 0 : 1) + (p.width === 64 ? 0 : 100),
      };`,
    );
    const mixed = await loadObjective('mixed.mjs', dir);
    expect(mixed.warnings).toEqual([
      expect.stringMatching(/^parameters\.layers: integer min and max make an int_uniform range/),
    ]);
    expect(mixed.parameters).toMatchObject({
      layers: { distribution: 'int_uniform', min: 1, max: 8 },
      dropout: { distribution: 'uniform' },
      optimizer: { distribution: 'categorical', values: ['sgd', 'adam'] },
      width: { distribution: 'constant', value: 64 },
    });
    expect(() => runBenchmark(mixed, samplerFactory('grid'), { trials: 2, seeds: 1 })).toThrow(
      /dropout: grid search needs values/,
    );
    // grid needs a discrete space; every other sampler must handle this one.
    for (const [name, factory] of Object.entries(SAMPLERS).filter(([n]) => n !== 'grid')) {
      const seen: Record<string, unknown>[] = [];
      const evaluate = (p: Record<string, unknown>) => {
        seen.push(p);
        return mixed.evaluate(p as never);
      };
      const result = runBenchmark({ ...mixed, evaluate }, factory, {
        trials: 14,
        seeds: 1,
        parallel: 2,
      });
      expect(result.duplicateSuggestions, name).toBe(0);
      expect(result.medianRegretAt['14'], name).toBeLessThan(100);
      for (const p of seen) {
        expect(Number.isInteger(p.layers), `${name}: layers ${String(p.layers)}`).toBe(true);
        expect(['sgd', 'adam'], name).toContain(p.optimizer);
        expect(p.width, name).toBe(64);
      }
    }
  });

  it('runs the example objective module shipped with the benchmark', async () => {
    const example = await loadObjective('bench/search/examples/lc-mlp-final.mjs');
    expect(example.warnings).toEqual([]);
    const result = runBenchmark(example, samplerFactory('random'), { trials: 12, seeds: 2 });
    // No optimum: the figures are best losses, which the curve keeps between 0 and 3.
    expect(result.optimum).toBeNull();
    expect(result.medianRegretAt['12']).toBeGreaterThan(0);
    expect(result.medianRegretAt['12']).toBeLessThan(3);
  });

  it('names the parameter a module got wrong, with the sweep-spec message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rung-bench-'));
    writeFileSync(
      join(dir, 'badspace.mjs'),
      `export default { name: 'b', goal: 'minimize', evaluate: () => 0,
        parameters: { lr: { distribution: 'uniform', min: 1, max: 0 } } };`,
    );
    await expect(loadObjective('badspace.mjs', dir)).rejects.toThrow(
      /badspace\.mjs: parameters\.lr\.min: must be < max/,
    );
  });

  it('names the field a bad module got wrong, and the names it knows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rung-bench-'));
    writeFileSync(
      join(dir, 'bad.mjs'),
      `export default { name: 'bad', parameters: {}, goal: 'min' };`,
    );
    await expect(loadObjective('bad.mjs', dir)).rejects.toThrow(/`goal` must be/);
    await expect(loadObjective('bogus')).rejects.toThrow(/branin, hartmann6/);
  });
});

describe('reports', () => {
  const result = runBenchmark(
    BUILTIN_OBJECTIVES.branin!,
    () => ({ name: 'uniform', suggest: (ctx) => [ctx.rng.next(), ctx.rng.next()] }),
    { trials: 50, seeds: 2 },
  );

  it('prints Optuna 3.1 figures beside ours for a baseline objective', () => {
    const text = formatRunReport(result);
    expect(text).toContain('Optuna TPE');
    expect(text).toContain('0.1724'); // Optuna TPE's median final regret on branin
  });

  it('writes a markdown row per objective and sampler', () => {
    const lines = suiteMarkdown([result]).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^\| branin \| 50 \| uniform \| 2 \|/);
    expect(lines[2]).toContain('| 0.1724 |');
  });
});

describe('sampler names', () => {
  it('resolves bayes as a sweep does: gp while small, tpe beyond', () => {
    expect(resolveSamplerName('bayes', { dimensions: 6, trials: 100 })).toBe('gp');
    expect(resolveSamplerName('bayes', { dimensions: 21, trials: 100 })).toBe('tpe');
    expect(resolveSamplerName('bayes', { dimensions: 6, trials: 301 })).toBe('tpe');
    expect(resolveSamplerName('tpe', { dimensions: 6, trials: 100 })).toBe('tpe');
    expect(() => resolveSamplerName('hyperopt', { dimensions: 1, trials: 1 })).toThrow(
      /unknown sampler "hyperopt": use one of .*tpe.*bayes/,
    );
  });
});
