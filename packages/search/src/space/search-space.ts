/**
 * The search space of a sweep: its parameter specs flattened into dimensions, and the two-way
 * mapping between a sampler's `Point` and the nested `Params` a trainer receives.
 */
import { categoricalDimension, type Dimension, intDimension, realDimension } from './dimension.js';
import { type ParameterSpecs, type Params, type ParamValue, sameValue } from './parameter-spec.js';

/**
 * A position in the search space, one number per dimension (in `space.dimensions` order):
 * numeric dimensions hold their unit coordinate in [0, 1], categorical ones the value's index.
 */
export type Point = readonly number[];

export interface SearchSpace {
  /** The dimensions samplers search over, in a stable order (constants excluded). */
  readonly dimensions: readonly Dimension[];
  /** Fixed parameters (`value:` or a single-valued list), by dotted name. */
  readonly constants: ReadonlyMap<string, ParamValue>;
  /** Point → nested params (constants included). */
  decode(point: Point): Params;
  /** Nested params → point. Throws if a parameter is missing or a categorical value is unknown. */
  encode(params: Params): Point;
  /** A string that is equal for two points exactly when they decode to the same params. */
  key(point: Point): string;
  /** Where a parameter (by dotted name) sits in the params: its groups' names, then its own. */
  pathOf(name: string): readonly string[];
}

/**
 * @throws Error when two parameters have one dotted name (a group's `lr` in `optimizer`, and a
 *   parameter named `optimizer.lr`); the spec parser refuses such specs first, naming both.
 */
export function buildSpace(specs: ParameterSpecs): SearchSpace {
  const dimensions: Dimension[] = [];
  const constants = new Map<string, ParamValue>();
  // Each parameter's place in the params: group names, then its own. A name may hold dots
  // (W&B allows `optimizer.config.lr`, Hydra style): it stays one key, so the path is kept apart
  // from the dotted name used for display, ordering and keys.
  const paths = new Map<string, readonly string[]>();
  collect(specs, [], dimensions, constants, paths);

  const decodeFlat = (point: Point): Map<string, ParamValue> => {
    if (point.length !== dimensions.length) {
      throw new Error(`point has ${point.length} coordinates, space has ${dimensions.length}`);
    }
    const flat = new Map<string, ParamValue>(constants);
    dimensions.forEach((dim, i) => {
      const x = point[i]!;
      if (dim.kind === 'numeric') {
        flat.set(dim.name, dim.decode(x));
      } else {
        // A sampler bug must surface here, not as an `undefined` parameter in a trainer.
        if (!Number.isInteger(x) || x < 0 || x >= dim.values.length) {
          throw new Error(`${dim.name}: categorical index ${x} is out of range`);
        }
        flat.set(dim.name, dim.values[x]!);
      }
    });
    return flat;
  };

  return {
    dimensions,
    constants,
    decode: (point) => nest([...decodeFlat(point)].map(([name, v]) => [paths.get(name)!, v])),
    encode(params) {
      return dimensions.map((dim) => {
        const value = lookup(params, paths.get(dim.name)!);
        if (dim.kind === 'categorical') {
          const index = dim.values.findIndex((v) => sameValue(v, value as ParamValue));
          if (index < 0)
            throw new Error(`${dim.name}: ${JSON.stringify(value)} is not one of the values`);
          return index;
        }
        if (typeof value !== 'number') throw new Error(`${dim.name}: expected a number`);
        return dim.encode(value);
      });
    },
    key: (point) => JSON.stringify([...decodeFlat(point).entries()]),
    pathOf(name) {
      const path = paths.get(name);
      if (!path) throw new Error(`${name}: no such parameter`);
      return path;
    },
  };
}

function collect(
  specs: ParameterSpecs,
  prefix: readonly string[],
  dimensions: Dimension[],
  constants: Map<string, ParamValue>,
  paths: Map<string, readonly string[]>,
): void {
  // Sorted names make the dimension order independent of the order keys were written in.
  for (const name of Object.keys(specs).sort()) {
    const spec = specs[name]!;
    const at = [...prefix, name];
    if ('parameters' in spec) {
      collect(spec.parameters, at, dimensions, constants, paths);
      continue;
    }
    const path = at.join('.');
    if (paths.has(path)) throw new Error(`${path}: two parameters have this name`);
    paths.set(path, at);
    if (spec.distribution === 'constant') {
      constants.set(path, spec.value);
    } else if (spec.distribution === 'categorical') {
      if (spec.values.length === 1) constants.set(path, spec.values[0]!);
      else dimensions.push(categoricalDimension(path, spec));
    } else if (spec.distribution === 'int_uniform') {
      if (spec.min === spec.max) constants.set(path, spec.min);
      else dimensions.push(intDimension(path, spec));
    } else {
      dimensions.push(realDimension(path, spec));
    }
  }
}

/** `[[['a', 'b'], 1], [['c.d'], 2]]` → `{ a: { b: 1 }, 'c.d': 2 }`. */
function nest(entries: Iterable<[readonly string[], ParamValue]>): Params {
  const root: Params = {};
  for (const [parts, value] of entries) {
    let node = root;
    for (const part of parts.slice(0, -1)) {
      // Own properties only: a group named like an Object.prototype member must not reach it.
      if (!Object.hasOwn(node, part)) node[part] = {};
      node = node[part] as Params;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return root;
}

function lookup(params: Params, path: readonly string[]): ParamValue | Params | undefined {
  let node: ParamValue | Params | undefined = params;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Params)[part];
  }
  if (node === undefined) throw new Error(`${path.join('.')}: missing from params`);
  return node;
}
