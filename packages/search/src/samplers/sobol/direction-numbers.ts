/**
 * Sobol direction numbers of Joe and Kuo ("new-joe-kuo-6.21201", S. Joe and F. Y. Kuo,
 * Constructing Sobol sequences with better two-dimensional projections, SIAM J. Sci. Comput. 30,
 * 2008), the set SciPy and Optuna use, for the first {@link SOBOL_MAX_DIMENSION} dimensions.
 *
 * Copyright (c) 2008, Frances Y. Kuo and Stephen Joe. All rights reserved. Redistributed under
 * their BSD-style licence (https://web.maths.unsw.edu.au/~fkuo/sobol/).
 */

/**
 * Rows for dimensions 2, 3, …: `s a m_1 … m_s`, where s is the degree of the primitive polynomial,
 * the bits of `a` its inner coefficients, and m_k the initial direction integers. Dimension 1 is
 * van der Corput and needs no row. 64 dimensions cover any realistic sweep with room to spare;
 * more rows can be appended from the same file without changing earlier dimensions.
 */
const JOE_KUO_ROWS = `
1 0 1
2 1 1 3
3 1 1 3 1
3 2 1 1 1
4 1 1 1 3 3
4 4 1 3 5 13
5 2 1 1 5 5 17
5 4 1 1 5 5 5
5 7 1 1 7 11 19
5 11 1 1 5 1 1
5 13 1 1 1 3 11
5 14 1 3 5 5 31
6 1 1 3 3 9 7 49
6 13 1 1 1 15 21 21
6 16 1 3 1 13 27 49
6 19 1 1 1 15 7 5
6 22 1 3 1 15 13 25
6 25 1 1 5 5 19 61
7 1 1 3 7 11 23 15 103
7 4 1 3 7 13 13 15 69
7 7 1 1 3 13 7 35 63
7 8 1 3 5 9 1 25 53
7 14 1 3 1 13 9 35 107
7 19 1 3 1 5 27 61 31
7 21 1 1 5 11 19 41 61
7 28 1 3 5 3 3 13 69
7 31 1 1 7 13 1 19 1
7 32 1 3 7 5 13 19 59
7 37 1 1 3 9 25 29 41
7 41 1 3 5 13 23 1 55
7 42 1 3 7 3 13 59 17
7 50 1 3 1 3 5 53 69
7 55 1 1 5 5 23 33 13
7 56 1 1 7 7 1 61 123
7 59 1 1 7 9 13 61 49
7 62 1 3 3 5 3 55 33
8 14 1 3 1 15 31 13 49 245
8 21 1 3 5 15 31 59 63 97
8 22 1 3 1 11 11 11 77 249
8 38 1 3 1 11 27 43 71 9
8 47 1 1 7 15 21 11 81 45
8 49 1 3 7 3 25 31 65 79
8 50 1 3 1 1 19 11 3 205
8 52 1 1 5 9 19 21 29 157
8 56 1 3 7 11 1 33 89 185
8 67 1 3 3 3 15 9 79 71
8 70 1 3 7 11 15 39 119 27
8 84 1 1 3 1 11 31 97 225
8 97 1 1 1 3 23 43 57 177
8 103 1 3 7 7 17 17 37 71
8 115 1 3 1 5 27 63 123 213
8 122 1 1 3 5 11 43 53 133
9 8 1 3 5 5 29 17 47 173 479
9 13 1 3 3 11 3 1 109 9 69
9 16 1 1 1 5 17 39 23 5 343
9 22 1 3 1 5 25 15 31 103 499
9 25 1 1 1 11 11 17 63 105 183
9 44 1 1 5 11 9 29 97 231 363
9 47 1 1 5 15 19 45 41 7 383
9 52 1 3 7 7 31 19 83 137 221
9 55 1 1 1 3 23 15 111 223 83
9 59 1 1 5 13 31 15 55 25 161
9 62 1 1 3 13 25 47 39 87 257
`;

/** One primitive polynomial with its initial direction integers. */
export interface JoeKuoRow {
  /** Degree of the primitive polynomial. */
  readonly s: number;
  /** Inner coefficients of the polynomial, as bits (the leading and constant terms are 1). */
  readonly a: number;
  /** Initial direction integers m_1 … m_s (m_k odd and < 2^k). */
  readonly m: readonly number[];
}

/** The parsed table, one row per dimension from the second on. */
export const JOE_KUO: readonly JoeKuoRow[] = JOE_KUO_ROWS.trim()
  .split('\n')
  .map((line) => {
    const [s, a, ...m] = line.trim().split(/\s+/).map(Number);
    return { s: s!, a: a!, m };
  });

/** The number of dimensions the embedded table supports. */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;

/** Bits per coordinate: points are 32-bit binary fractions, enough for 2^32 trials. */
export const SOBOL_BITS = 32;

/**
 * The 32 direction numbers of one dimension (0-based), each a 32-bit binary fraction
 * (v[j] / 2^32 is the (j+1)-th direction number), by the Bratley–Fox recurrence as Joe and Kuo
 * state it.
 */
export function directionNumbers(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 0 || dimension >= SOBOL_MAX_DIMENSION) {
    throw new Error(
      `sobol: dimension ${dimension + 1} is beyond the ${SOBOL_MAX_DIMENSION} dimensions of the embedded Joe–Kuo direction numbers`,
    );
  }
  const v = new Uint32Array(SOBOL_BITS);
  if (dimension === 0) {
    for (let j = 0; j < SOBOL_BITS; j++) v[j] = 2 ** (SOBOL_BITS - 1 - j);
    return v;
  }
  const { s, a, m } = JOE_KUO[dimension - 1]!;
  for (let j = 0; j < SOBOL_BITS; j++) {
    if (j < s) {
      v[j] = m[j]! * 2 ** (SOBOL_BITS - 1 - j);
      continue;
    }
    let x = v[j - s]! ^ (v[j - s]! >>> s);
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[j - k]!;
    v[j] = x >>> 0;
  }
  return v;
}
