/** One point of one named curve: the long ("tidy") format the chart builders take. */
export interface SeriesRow {
  /** Horizontal position, e.g. the step t. */
  x: number;
  /** Vertical position, e.g. the weight w(t). */
  y: number;
  /** Name of the curve the point belongs to; becomes the legend entry. */
  series: string;
}

/** How `seriesRows` lays out and thins its curves. */
export interface SeriesRowsOptions {
  /** x of each index, shared by every curve. Default: the index plus `xOffset`. */
  x?: ArrayLike<number>;
  /** Added to the index when `x` is not given, e.g. 1 so that the first value is step 1. Default 0. */
  xOffset?: number;
  /** Keep at most about this many points per curve (see `sampleIndices`). Default: all. */
  maxPoints?: number;
  /** Space the kept points evenly on a log axis rather than a linear one. Default false. */
  logSpaced?: boolean;
}

/**
 * Indices 0…n−1 thinned to at most about `maxPoints`, always keeping the first and last. With
 * `logSpaced`, the kept indices are roughly evenly spaced in log(1 + i), which keeps a log-x curve
 * smooth at small t without drawing every one of a million late steps.
 * @example
 * sampleIndices(1000, 4) // [0, 333, 666, 999]
 */
export function sampleIndices(n: number, maxPoints = Number.POSITIVE_INFINITY, logSpaced = false) {
  if (!(n >= 0) || !Number.isInteger(n)) throw new Error(`sampleIndices: n = ${n} is not a count`);
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const count = Math.max(2, Math.floor(maxPoints));
  const kept = new Set<number>();
  for (let j = 0; j < count; j++) {
    const f = j / (count - 1);
    kept.add(logSpaced ? Math.round(Math.expm1(f * Math.log(n))) : Math.round(f * (n - 1)));
  }
  kept.add(n - 1);
  return [...kept].filter((i) => i < n).sort((a, b) => a - b);
}

/**
 * Turns named arrays into long-format rows for the chart builders, one row per point.
 * @example
 * seriesRows({ w: [0.5, 0.25], target: [1, 1] }, { xOffset: 1 })
 * // [{x: 1, y: 0.5, series: 'w'}, {x: 2, y: 0.25, series: 'w'}, {x: 1, y: 1, series: 'target'}, {x: 2, y: 1, series: 'target'}]
 */
export function seriesRows(
  series: Readonly<Record<string, ArrayLike<number>>>,
  options: SeriesRowsOptions = {},
): SeriesRow[] {
  const rows: SeriesRow[] = [];
  const offset = options.xOffset ?? 0;
  for (const [name, values] of Object.entries(series)) {
    if (options.x && options.x.length !== values.length) {
      throw new Error(
        `seriesRows: series '${name}' has ${values.length} values but x has ${options.x.length}`,
      );
    }
    for (const i of sampleIndices(values.length, options.maxPoints, options.logSpaced)) {
      const x = options.x ? (options.x[i] as number) : i + offset;
      rows.push({ x, y: values[i] as number, series: name });
    }
  }
  return rows;
}
