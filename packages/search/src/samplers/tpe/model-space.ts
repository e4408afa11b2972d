/**
 * The search space as TPE models it: each dimension is continuous, discrete (kernel mass over a
 * value's cell) or categorical, and a point's coordinates are normalized for the model (discrete
 * values moved to the centre of their cell, category indices checked).
 */
import type { SearchSpace } from '../../space/search-space.js';
import { type Discretizer, discretizerFor } from './discrete-cells.js';

/** One dimension as the Parzen estimators see it. */
export type ModelDimension =
  | { readonly kind: 'continuous' }
  | { readonly kind: 'discrete'; readonly cells: Discretizer }
  | { readonly kind: 'categorical'; readonly choices: number };

/** The model's view of a search space. */
export interface ModelSpace {
  readonly dims: readonly ModelDimension[];
  /** Equal for two spaces exactly when their dimensions (names and specs) are equal. */
  readonly key: string;
  /** Model coordinates of a point, or undefined when the point does not fit the space. */
  coordsOf(point: readonly number[]): Float64Array | undefined;
}

/** Builds the model view of `space`. */
export function modelSpaceOf(space: SearchSpace): ModelSpace {
  const dims: ModelDimension[] = space.dimensions.map((dim) => {
    if (dim.kind === 'categorical') return { kind: 'categorical', choices: dim.values.length };
    const cells = discretizerFor(dim);
    return cells ? { kind: 'discrete', cells } : { kind: 'continuous' };
  });
  const key = JSON.stringify(
    space.dimensions.map((d) => [d.name, d.kind === 'categorical' ? d.values : d.spec]),
  );
  return {
    dims,
    key,
    coordsOf(point) {
      if (point.length !== dims.length) return undefined;
      const coords = new Float64Array(dims.length);
      for (let j = 0; j < dims.length; j++) {
        const dim = dims[j]!;
        const x = point[j]!;
        if (!Number.isFinite(x)) return undefined;
        if (dim.kind === 'categorical') {
          if (!Number.isInteger(x) || x < 0 || x >= dim.choices) return undefined;
          coords[j] = x;
        } else {
          const u = Math.min(1, Math.max(0, x));
          coords[j] = dim.kind === 'discrete' ? dim.cells.cellOf(u).centre : u;
        }
      }
      return coords;
    },
  };
}
