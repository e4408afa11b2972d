/**
 * Double-precision special functions for the acquisition function. The space module's `normalCdf`
 * is accurate to ~1e-7 only, which is fine for sampling but not for log-EI deep in the tail, where
 * everything hinges on erfc being accurate to full relative precision.
 */

const INV_SQRT_PI = 0.5641895835477563;
const LOG_2 = Math.LN2;
/** log(2π)/2. */
export const HALF_LOG_2PI = 0.9189385332046728;

// W. J. Cody, "Rational Chebyshev approximations for the error function" (Math. Comp. 1969),
// as in his CALERF routine: relative error below 1e-16 on each interval.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694];
const A4 = 0.18577770618460315;
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972,
];
const C8 = 2.1531153547440383e-8;
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378,
];
const P5 = 0.016315387137302097;
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132,
  0.0023352049762686918,
];

/** erfcx(x) = exp(x²)·erfc(x) for x ≥ 0 (Cody's three intervals). */
function erfcxNonNegative(y: number): number {
  if (y <= 0.46875) {
    const z = y * y;
    let num = A4 * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * z;
      den = (den + B[i]!) * z;
    }
    const erf = (y * (num + A[3]!)) / (den + B[3]!);
    return Math.exp(z) * (1 - erf);
  }
  if (y <= 4) {
    let num = C8 * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return (num + C[7]!) / (den + D[7]!);
  }
  if (y >= 6.71e7) return INV_SQRT_PI / y;
  const z = 1 / (y * y);
  let num = P5 * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * z;
    den = (den + Q[i]!) * z;
  }
  return (INV_SQRT_PI - (z * (num + P[4]!)) / (den + Q[4]!)) / y;
}

/** The scaled complementary error function exp(x²)·erfc(x), without overflow for large x. */
export function erfcx(x: number): number {
  if (x >= 0) return erfcxNonNegative(x);
  if (x < -26.6) return Number.POSITIVE_INFINITY;
  // erfc(-y) = 2 - erfc(y): exp(x²) is split so the rounding of x² does not cost accuracy.
  const t = Math.trunc(x * 16) / 16;
  const e = Math.exp(t * t) * Math.exp((x - t) * (x + t));
  return 2 * e - erfcxNonNegative(-x);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - HALF_LOG_2PI);
}

/** Standard normal CDF Φ(z) to full double precision. */
export function normalCdf(z: number): number {
  const t = -z / Math.SQRT2;
  if (t <= 0) return 1 - 0.5 * erfcxNonNegative(-t) * Math.exp(-t * t);
  return 0.5 * erfcxNonNegative(t) * Math.exp(-t * t);
}

/** log Φ(z), finite for any finite z (no underflow in the lower tail). */
export function logNormalCdf(z: number): number {
  const t = -z / Math.SQRT2;
  if (t <= 0) return Math.log1p(-0.5 * erfcxNonNegative(-t) * Math.exp(-t * t));
  return Math.log(erfcxNonNegative(t)) - t * t - LOG_2;
}

/** log(1 − eˣ) for x < 0, accurate near 0 and for very negative x (Mächler 2012). */
export function log1mexp(x: number): number {
  return x > -LOG_2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}
