/**
 * The `parameters` block: each entry's distribution is read (or inferred the way W&B does), the
 * entry is validated by that distribution's schema, and groups (`{ parameters: {...} }`) recurse.
 *
 * The entry is dispatched by hand rather than through a zod union so that a bad entry gets the
 * errors of the distribution it was meant to be, not a list of every alternative that failed.
 */
import type { ParameterSpec, ParameterSpecs } from '@rung/search';
import { z } from 'zod';
import { DISTRIBUTION_NAMES, type DistributionName, distributionSchemas } from './distributions.js';
import { describeValue, type PathSegment, type PendingWarning, specErrorMap } from './issues.js';

/** Groups nest at most this deep; it also bounds recursion over aliased (cyclic) YAML. */
export const MAX_PARAMETER_DEPTH = 10;

/** The parsed `parameters` block, with its warnings (paths relative to the block). */
export interface ParsedParameters {
  specs: ParameterSpecs;
  warnings: PendingWarning[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; issues: z.core.$ZodIssue[] };

const fail = (path: PathSegment[], message: string): Outcome<never> => ({
  ok: false,
  issues: [{ code: 'custom', path, message }],
});

/** Plain data objects only: JSON and YAML give these; class instances are not specs. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Parameter names become object keys and command-line flags. W&B allows dotted names
// (`optimizer.config.lr`, Hydra style): such a name is one key, passed on under that very name.
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

function nameProblem(name: string): string | undefined {
  if (name === '') return 'parameter names must not be empty';
  if (!NAME_PATTERN.test(name)) {
    return "parameter names start with a letter or _ and hold only letters, digits, _ and -, in parts joined by '.'";
  }
  // `constructor`, `__proto__`, … would reach Object.prototype when params are nested.
  if (name in Object.prototype) return `'${name}' is a reserved name`;
  return undefined;
}

function parseBlock(raw: unknown, depth: number): Outcome<ParsedParameters> {
  if (raw === undefined) return fail([], 'required');
  if (!isPlainObject(raw)) {
    return fail([], `expected an object of named parameters, got ${describeValue(raw)}`);
  }
  const names = Object.keys(raw);
  if (names.length === 0) return fail([], 'must name at least one parameter');
  const specs: Record<string, ParameterSpec> = {};
  const warnings: PendingWarning[] = [];
  const issues: z.core.$ZodIssue[] = [];
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) {
      issues.push({ code: 'custom', path: [name], message: problem });
      continue;
    }
    const entry = parseEntry(raw[name], depth);
    if (entry.ok) {
      specs[name] = entry.value.spec;
      for (const w of entry.value.warnings) warnings.push({ ...w, path: [name, ...w.path] });
    } else {
      for (const iss of entry.issues) issues.push({ ...iss, path: [name, ...iss.path] });
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: { specs, warnings } };
}

interface ParsedEntry {
  spec: ParameterSpec;
  warnings: PendingWarning[];
}

function parseEntry(raw: unknown, depth: number): Outcome<ParsedEntry> {
  if (!isPlainObject(raw)) {
    return fail(
      [],
      `expected an object such as { values: [...] } or { min, max }, got ${describeValue(raw)}`,
    );
  }
  if (Object.hasOwn(raw, 'parameters')) return parseGroup(raw, depth);

  const distribution = distributionOf(raw);
  if (!distribution.ok) return distribution;
  const parsed = distributionSchemas[distribution.value].safeParse(raw, { error: specErrorMap });
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  return { ok: true, value: { spec: parsed.data, warnings: entryWarnings(parsed.data) } };
}

function parseGroup(raw: Record<string, unknown>, depth: number): Outcome<ParsedEntry> {
  const others = Object.keys(raw).filter((key) => key !== 'parameters');
  if (others.length) {
    return {
      ok: false,
      issues: [
        {
          code: 'unrecognized_keys',
          keys: others,
          path: [],
          message: 'not allowed in a parameter group, which holds only parameters',
        },
      ],
    };
  }
  if (depth + 1 > MAX_PARAMETER_DEPTH) {
    return fail(['parameters'], `parameter groups nest at most ${MAX_PARAMETER_DEPTH} deep`);
  }
  const block = parseBlock(raw.parameters, depth + 1);
  if (!block.ok) {
    return {
      ok: false,
      issues: block.issues.map((i) => ({ ...i, path: ['parameters', ...i.path] })),
    };
  }
  const warnings = block.value.warnings.map((w) => ({ ...w, path: ['parameters', ...w.path] }));
  return { ok: true, value: { spec: { parameters: block.value.specs }, warnings } };
}

/** The distribution an entry names, or W&B's inference when it names none. */
function distributionOf(raw: Record<string, unknown>): Outcome<DistributionName> {
  const named = raw.distribution;
  if (named !== undefined) {
    if (typeof named === 'string' && (DISTRIBUTION_NAMES as string[]).includes(named)) {
      return { ok: true, value: named as DistributionName };
    }
    const message =
      named === 'beta' || named === 'q_beta'
        ? 'beta distributions are not supported'
        : `must be one of ${DISTRIBUTION_NAMES.join(', ')}`;
    return fail(['distribution'], message);
  }
  if (Object.hasOwn(raw, 'values')) return { ok: true, value: 'categorical' };
  if (Object.hasOwn(raw, 'value')) return { ok: true, value: 'constant' };
  if (Object.hasOwn(raw, 'min') || Object.hasOwn(raw, 'max')) {
    const integers = Number.isInteger(raw.min) && Number.isInteger(raw.max);
    return { ok: true, value: integers ? 'int_uniform' : 'uniform' };
  }
  return fail(
    [],
    'cannot tell the distribution: give value, values, min and max, parameters, or a distribution',
  );
}

function entryWarnings(spec: ParameterSpec): PendingWarning[] {
  const warnings: PendingWarning[] = [];
  // W&B's classic trap: log_uniform bounds are exponents, so [0.0001, 0.1] means e^0.0001..e^0.1.
  if (
    'min' in spec &&
    (spec.distribution === 'log_uniform' || spec.distribution === 'q_log_uniform') &&
    spec.min >= 0 &&
    spec.max <= 1
  ) {
    warnings.push({
      path: ['distribution'],
      message: `${spec.distribution} bounds are natural-log exponents (values from ${round(Math.exp(spec.min))} to ${round(Math.exp(spec.max))}); did you mean ${spec.distribution}_values?`,
    });
  }
  return warnings;
}

const round = (x: number) => Number(x.toPrecision(4));

/**
 * The `parameters` block as a zod schema: validates and normalizes, reporting every problem with
 * its path. The output carries the block's warnings.
 */
export const parametersSchema = z.unknown().transform((raw, ctx): ParsedParameters => {
  const block = parseBlock(raw, 0);
  if (!block.ok) {
    for (const iss of block.issues) ctx.addIssue({ ...iss });
    return z.NEVER;
  }
  const clashes = nameClashes(block.value.specs);
  if (clashes.length === 0) return block.value;
  for (const iss of clashes) ctx.addIssue({ ...iss });
  return z.NEVER;
});

/**
 * Parameters that would reach the trainer under one name: a group's parameter (`optimizer` →
 * `lr`) and a dotted name (`optimizer.lr`) are both `optimizer.lr` to the program's flags.
 */
function nameClashes(specs: ParameterSpecs): z.core.$ZodIssue[] {
  const seen = new Map<string, PathSegment[]>();
  const issues: z.core.$ZodIssue[] = [];
  const walk = (block: ParameterSpecs, at: PathSegment[]) => {
    for (const [name, spec] of Object.entries(block)) {
      const path = [...at, name];
      if ('parameters' in spec) {
        walk(spec.parameters, [...path, 'parameters']);
        continue;
      }
      const dotted = path.filter((p) => p !== 'parameters').join('.');
      const earlier = seen.get(dotted);
      if (earlier) {
        issues.push({
          code: 'custom',
          path,
          message: `'${dotted}' is also the name of parameters.${earlier.join('.')}: a group's parameter and a dotted name would reach the program as one; rename one`,
        });
      } else {
        seen.set(dotted, path);
      }
    }
  };
  walk(specs, []);
  return issues;
}

/**
 * The same block described as a union, for the JSON Schema only: it documents the accepted
 * shapes; `parametersSchema` is what validates.
 */
export const parametersDocSchema: z.ZodType<unknown, ParametersInput> = z.lazy(() =>
  z.record(z.string().regex(NAME_PATTERN), parameterDocSchema),
);

const parameterDocSchema = z.union([
  ...Object.values(distributionSchemas),
  z.strictObject({ parameters: z.lazy(() => parametersDocSchema) }),
]);

/** A parameter as a W&B sweep config writes it. */
export type ParameterInput =
  | z.input<(typeof distributionSchemas)[DistributionName]>
  | { parameters: ParametersInput };

/** The `parameters` block as a W&B sweep config writes it. */
export interface ParametersInput {
  [name: string]: ParameterInput;
}
