/**
 * From zod issues to Rung's spec issues: dotted paths, short messages a data scientist can act
 * on, one issue per unknown key (with a "did you mean" for likely typos).
 */
import type { z } from 'zod';
import type { SpecIssue } from '../errors.js';

/** A path inside the spec, as zod reports it. */
export type PathSegment = PropertyKey;

/** A warning whose path is still in segments, so nested parsers can prefix it. */
export interface PendingWarning {
  path: PathSegment[];
  message: string;
}

/** `['parameters', 'lr', 'min']` → `parameters.lr.min`; the empty path is `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  // Quote the segments that would make the dotted form ambiguous (empty, or holding a dot).
  return path
    .map((p) => {
      const s = String(p);
      return s === '' || s.includes('.') ? JSON.stringify(s) : s;
    })
    .join('.');
}

/** What a value is, in words: `a string`, `a list`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
  null: 'null',
};

/**
 * Rung's messages for zod's built-in issues. Passed to every parse (rather than set with
 * `z.config`) so that other zod users in the same process keep zod's own messages.
 */
export const specErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'required';
      if (typeof iss.input === 'number' && (iss.expected === 'number' || iss.expected === 'int')) {
        return iss.expected === 'int' ? 'must be an integer' : 'must be a finite number';
      }
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    }
    case 'too_small':
      if (iss.origin === 'array') return iss.minimum === 1 ? 'must not be empty' : undefined;
      if (iss.origin === 'string') return iss.minimum === 1 ? 'must not be empty' : undefined;
      return `must be ${iss.inclusive ? '>=' : '>'} ${iss.minimum}`;
    case 'too_big':
      return `must be ${iss.inclusive ? '<=' : '<'} ${iss.maximum}`;
    case 'invalid_value':
      if (iss.input === undefined) return 'required';
      return `must be one of ${iss.values.map(String).join(', ')}`;
    case 'invalid_union': {
      if (iss.input === undefined) return 'required';
      const options = iss.discriminator ? (iss as { options?: unknown[] }).options : undefined;
      return options ? `must be one of ${options.map(String).join(', ')}` : undefined;
    }
    case 'unrecognized_keys':
      return 'unknown key';
    default:
      return undefined;
  }
};

/** Messages for unknown keys that are known elsewhere (W&B features Rung does not have). */
export type UnsupportedKeys = Readonly<Record<string, string>>;

/**
 * Converts zod's issues into spec issues. An `unrecognized_keys` issue becomes one issue per key,
 * reported first (a misspelt key is usually why a required one is "missing").
 */
export function toSpecIssues(
  issues: readonly z.core.$ZodIssue[],
  vocabulary: readonly string[],
  unsupported: UnsupportedKeys = {},
): SpecIssue[] {
  const unknownKeys: SpecIssue[] = [];
  const others: SpecIssue[] = [];
  for (const iss of issues.flatMap(branchIssues)) {
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) {
        const atRoot = iss.path.length === 0;
        const special = atRoot && Object.hasOwn(unsupported, key) ? unsupported[key] : undefined;
        const hint = vocabulary.includes(key) ? undefined : closestKey(key, vocabulary);
        unknownKeys.push({
          path: formatPath([...iss.path, key]),
          message: special ?? (hint ? `${iss.message}; did you mean '${hint}'?` : iss.message),
        });
      }
    } else {
      others.push({ path: formatPath(iss.path), message: iss.message });
    }
  }
  return [...unknownKeys, ...others];
}

/**
 * A union fails with the issues of all its branches. When exactly one branch got past the type
 * check (e.g. `trainer: { name, options: [] }` is an object, not a name), its issues are the
 * useful ones; otherwise the union's own message stands.
 */
function branchIssues(iss: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (iss.code !== 'invalid_union' || iss.errors.length === 0) return [iss];
  const typeMismatch = (branch: z.core.$ZodIssue[]) =>
    branch.every((i) => i.path.length === 0 && i.code === 'invalid_type');
  const matching = iss.errors.filter((branch) => !typeMismatch(branch));
  if (matching.length !== 1) return [iss];
  return matching[0]!.map((i) => ({ ...i, path: [...iss.path, ...i.path] })).flatMap(branchIssues);
}

/** The one vocabulary word within a small edit distance of `key`, if there is exactly one. */
export function closestKey(key: string, vocabulary: readonly string[]): string | undefined {
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const word of new Set(vocabulary)) {
    const d = editDistance(key.toLowerCase(), word);
    if (d < bestDistance) {
      [best, bestDistance, tie] = [word, d, false];
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return bestDistance <= limit && !tie ? best : undefined;
}

/** Damerau–Levenshtein distance (optimal string alignment): a swapped pair counts as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
  }
  return rows[a.length]![b.length]!;
}
