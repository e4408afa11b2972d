/**
 * Property-based fuzzing of what a stranger can send to `POST /v1/sweeps`: generated sweep specs,
 * well-formed and hostile (junk values, prototype keys, huge grids and numbers, deep nesting, YAML
 * alias bombs, raw bytes), as JSON and YAML. Whatever comes in, the answer is never a 5xx, and the
 * event loop keeps turning while specs are validated (in the server's validation thread).
 * `RUNG_FUZZ_RUNS` sets the number of specs (10,000 for `npm run test:fuzz`; 1,000 in the suite).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger, DEFAULT_API_CONFIG, DEFAULT_LIMITS, DISTRIBUTION_NAMES } from '@rung/shared';
import { MemoryStore } from '@rung/store';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildApp, InlineSuggester, SweepScheduler, ThreadSpecValidator } from '../../src/index.js';

const RUNS = Number(process.env.RUNG_FUZZ_RUNS ?? 1000);

// Every distribution the schema knows, and one it does not.
const DISTRIBUTIONS = [...DISTRIBUTION_NAMES, 'beta'];

const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, 1e-13, Number.NaN),
);
const scalar = fc.oneof(
  hostileNumber,
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
);
const paramName = fc.oneof(
  fc.string({ minLength: 0, maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'a.b', '', ' ', 'lr', 'x'.repeat(300)),
);

/** One parameter entry: mostly the shape of a real one, with any field wrong. */
const parameter: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  entry: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        {
          distribution: fc.oneof(fc.constantFrom(...DISTRIBUTIONS), fc.string({ maxLength: 8 })),
          min: hostileNumber,
          max: hostileNumber,
          q: fc.oneof(hostileNumber, fc.constantFrom(1, 0.1, 1e-9)),
          mu: hostileNumber,
          sigma: hostileNumber,
          value: scalar,
          values: fc.array(fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })), { maxLength: 12 }),
          probabilities: fc.array(hostileNumber, { maxLength: 12 }),
        },
        { requiredKeys: [] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({ parameters: fc.dictionary(paramName, tie('entry'), { maxKeys: 3 }) }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  ),
})).entry;

/** A big grid: many parameters of many values (the shapes that once answered 500). */
const bigGrid = fc
  .record({
    n: fc.integer({ min: 1, max: 400 }),
    k: fc.integer({ min: 1, max: 12 }),
    cap: fc.option(fc.integer({ min: 1, max: 10 })),
  })
  .map(({ n, k, cap }) => ({
    method: 'grid',
    trainer: 'mlp',
    ...(cap !== null && { run_cap: cap }),
    parameters: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `p${i}`,
        { values: Array.from({ length: k }, (_, v) => v) },
      ]),
    ),
  }));

const spec = fc.record(
  {
    method: fc.oneof(
      fc.constantFrom('grid', 'random', 'bayes', 'sobol', 'tpe', 'gp'),
      fc.string({ maxLength: 6 }),
    ),
    trainer: fc.oneof(
      fc.constant('mlp'),
      fc.record({ name: fc.string({ maxLength: 10 }), options: fc.jsonValue({ maxDepth: 2 }) }),
      scalar,
    ),
    metric: fc.oneof(
      fc.record({
        name: fc.string({ maxLength: 10 }),
        goal: fc.constantFrom('minimize', 'maximize', 'up'),
      }),
      scalar,
    ),
    parameters: fc.dictionary(paramName, parameter, { maxKeys: 6 }),
    run_cap: hostileNumber,
    parallelism: hostileNumber,
    max_duration: hostileNumber,
    seed: hostileNumber,
    early_terminate: fc.oneof(
      fc.record(
        {
          type: fc.constantFrom('hyperband', 'x'),
          min_iter: hostileNumber,
          max_iter: hostileNumber,
          s: hostileNumber,
          eta: hostileNumber,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    pruner: fc.jsonValue({ maxDepth: 3 }),
    resources: fc.record({ gpus: hostileNumber, cpus: hostileNumber }, { requiredKeys: [] }),
    command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
    program: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: [] },
);

/** YAML written to hurt: alias bombs, deep nesting, tags, duplicate keys, huge numbers. */
const hostileYaml = fc.oneof(
  fc.integer({ min: 2, max: 12 }).map((levels) => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < levels; i++) {
      text += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
    }
    return `${text}method: random\ntrainer: mlp\nparameters: { x: { values: *a${levels - 1} } }\n`;
  }),
  fc
    .integer({ min: 10, max: 5000 })
    .map((depth) => `method: random\nparameters: ${'['.repeat(depth)}${']'.repeat(depth)}\n`),
  fc.constantFrom(
    'method: !!js/function "function(){}"\n',
    'method: random\nmethod: grid\n',
    'parameters: { lr: { min: 1e999, max: 1e9999 } }\n',
    '!!binary SGVsbG8=\n',
    '%YAML 9.9\n---\nmethod: random\n',
    '--- a\n--- b\n',
    'method: random\ntrainer: mlp\nparameters: { x: { values: [<<: *undefined] } }\n',
  ),
);

const body = fc.oneof(
  {
    weight: 5,
    arbitrary: spec.map((s) => ({ text: JSON.stringify(s), type: 'application/json' })),
  },
  { weight: 3, arbitrary: spec.map((s) => ({ text: stringify(s), type: 'application/yaml' })) },
  {
    weight: 1,
    arbitrary: bigGrid.map((s) => ({ text: JSON.stringify(s), type: 'application/json' })),
  },
  { weight: 1, arbitrary: hostileYaml.map((text) => ({ text, type: 'application/yaml' })) },
  {
    weight: 1,
    arbitrary: fc.record({
      text: fc.string({ maxLength: 200, unit: 'binary' }),
      type: fc.constantFrom('application/json', 'application/yaml'),
    }),
  },
);

let app: FastifyInstance;
const validator = new ThreadSpecValidator();

beforeAll(async () => {
  const store = new MemoryStore();
  await store.heartbeatWorker(
    {
      workerId: 'w',
      slots: 1,
      busy: 0,
      trainers: [{ name: 'mlp' }],
      gpus: [],
      host: 'h',
      startedAt: 0,
      at: Date.now(),
    },
    3_600_000,
  );
  const scheduler = new SweepScheduler({
    store,
    // Only submission is fuzzed: no scheduling pass runs, so no trial is ever queued.
    queueFor: () => {
      throw new Error('no trial is queued while fuzzing submission');
    },
    suggester: new InlineSuggester(),
    logger: createLogger('fuzz', 'silent'),
  });
  app = await buildApp({
    store,
    scheduler,
    ping: async () => 'PONG',
    onSweepChanged: () => undefined,
    validator,
    limits: DEFAULT_LIMITS,
    // One client sends everything here: the rate limit is tested on its own (api-guards).
    api: { ...DEFAULT_API_CONFIG, rateLimitPerMinute: 1e9 },
  });
});

afterAll(async () => {
  await app.close();
  await validator.close();
});

describe('POST /v1/sweeps under fuzzing', () => {
  const post = ({ text, type }: { text: string; type: string }) =>
    app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': type },
      payload: text,
    });
  const seed = Number(process.env.RUNG_FUZZ_SEED ?? 20261201);

  it(`answers ${RUNS} generated specs, hostile ones included, never with a 5xx`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const res = await post(sent);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(
          res.statusCode,
          `${sent.type} ${sent.text.slice(0, 300)} → ${res.body.slice(0, 300)}`,
        ).toBeLessThan(500);
        expect(res.json().error?.code ?? 'created').toMatch(/^[a-z_]+$/);
      }),
      { numRuns: RUNS, seed },
    );
    console.log(`fuzz: ${RUNS} specs, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
  }, 600_000);

  it(`keeps the event loop turning (no stall over 100 ms) while it takes ${RUNS} of them`, async () => {
    // Generated first, so that only the server's work is on the loop while it is watched.
    const bodies = fc.sample(body, { numRuns: RUNS, seed });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    for (const sent of bodies) await post(sent);
    delay.disable();
    const maxMs = delay.max / 1e6;
    console.log(
      `fuzz: event-loop delay over ${RUNS} specs p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${maxMs.toFixed(1)} ms`,
    );
    expect(maxMs).toBeLessThan(100);
  }, 600_000);
});
