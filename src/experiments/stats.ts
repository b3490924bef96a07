/** Small numeric helpers shared by the experiments (float64, no tfjs). */

/** Arithmetic mean (NaN for an empty list). */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator; 0 for fewer than two values). */
export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += ((xs[i] as number) - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Least-squares slope of y against x. */
export function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx;
    sxy += dx * ((y[i] as number) - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

/** Least-squares slope of log y against log x (the exponent of a power law y ∝ x^slope). */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return slope(Array.from(x, Math.log), Array.from(y, Math.log));
}

/** `count` numbers from `lo` to `hi` evenly spaced on a log axis (both ends included). */
export function logSpace(lo: number, hi: number, count: number): number[] {
  if (count === 1) return [lo];
  return Array.from({ length: count }, (_, i) => lo * (hi / lo) ** (i / (count - 1)));
}

/**
 * Where a positive, sampled curve y(x) first drops below `level`, interpolated linearly in
 * (log x, log y) between the last sample at or above it and the first below. `Infinity` if it
 * never does; x[0] if it starts below.
 */
export function firstCrossing(x: ArrayLike<number>, y: ArrayLike<number>, level: number): number {
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number;
    if (yi < level) {
      if (i === 0) return x[0] as number;
      const y0 = y[i - 1] as number;
      const x0 = x[i - 1] as number;
      const x1 = x[i] as number;
      if (!(yi > 0) || !(y0 > 0)) return x1;
      const f = Math.log(y0 / level) / Math.log(y0 / yi);
      return Math.exp(Math.log(x0) + f * Math.log(x1 / x0));
    }
  }
  return Number.POSITIVE_INFINITY;
}
