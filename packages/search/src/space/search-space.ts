/**
 * The search space of a sweep: its parameter specs flattened into dimensions, and the two-way
 * mapping between a sampler's `Point` and the nested `Params` a trainer receives.
 */
import { categoricalDimension, type Dimension, intDimension, realDimension } from './dimension.js';
import type { ParameterSpecs, Params, ParamValue } from './parameter-spec.js';

/**
 * A position in the search space, one number per dimension (in `space.dimensions` order):
 * numeric dimensions hold their unit coordinate in [0, 1], categorical ones the value's index.
 */
export type Point = readonly number[];

export interface SearchSpace {
  /** The dimensions samplers search over, in a stable order (constants excluded). */
  readonly dimensions: readonly Dimension[];
  /** Fixed parameters (`value:` or a single-valued list), by dotted path. */
  readonly constants: ReadonlyMap<string, ParamValue>;
  /** Point → nested params (constants included). */
  decode(point: Point): Params;
  /** Nested params → point. Throws if a parameter is missing or a categorical value is unknown. */
  encode(params: Params): Point;
  /** A string that is equal for two points exactly when they decode to the same params. */
  key(point: Point): string;
}

export function buildSpace(specs: ParameterSpecs): SearchSpace {
  const dimensions: Dimension[] = [];
  const constants = new Map<string, ParamValue>();
  collect(specs, '', dimensions, constants);

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
    decode: (point) => nest(decodeFlat(point)),
    encode(params) {
      return dimensions.map((dim) => {
        const value = lookup(params, dim.name);
        if (dim.kind === 'categorical') {
          const index = dim.values.indexOf(value as ParamValue);
          if (index < 0)
            throw new Error(`${dim.name}: ${JSON.stringify(value)} is not one of the values`);
          return index;
        }
        if (typeof value !== 'number') throw new Error(`${dim.name}: expected a number`);
        return dim.encode(value);
      });
    },
    key: (point) => JSON.stringify([...decodeFlat(point).entries()]),
  };
}

function collect(
  specs: ParameterSpecs,
  prefix: string,
  dimensions: Dimension[],
  constants: Map<string, ParamValue>,
): void {
  // Sorted names make the dimension order independent of the order keys were written in.
  for (const name of Object.keys(specs).sort()) {
    const spec = specs[name]!;
    const path = prefix + name;
    if ('parameters' in spec) {
      collect(spec.parameters, `${path}.`, dimensions, constants);
    } else if (spec.distribution === 'constant') {
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

/** `{ 'a.b': 1, c: 2 }` → `{ a: { b: 1 }, c: 2 }`. */
export function nest(flat: ReadonlyMap<string, ParamValue>): Params {
  const root: Params = {};
  for (const [path, value] of flat) {
    const parts = path.split('.');
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

function lookup(params: Params, path: string): ParamValue | Params | undefined {
  let node: ParamValue | Params | undefined = params;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  if (node === undefined) throw new Error(`${path}: missing from params`);
  return node;
}
