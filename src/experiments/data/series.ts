import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { csvParse } from 'd3-dsv';

/** A real time series: one value per row, with its date when the CSV has one. */
export interface RealSeries {
  /** Where it came from (file and column), for tables and captions. */
  source: string;
  /** The column read. */
  column: string;
  /** The values, in file order. */
  values: Float64Array;
  /** Each row's date (UTC), when a date column was given. */
  dates?: Date[];
}

/** Options of `parseSeries` and `readSeriesCsv`. */
export interface SeriesColumnOptions {
  /** The numeric column to read. */
  column: string;
  /** A date column (ISO 8601 or anything `Date.parse` reads); enables calendar features. */
  date?: string;
  /** Name of the source in error messages and tables. Default `'CSV'`. */
  source?: string;
}

/**
 * Reads one numeric column (and optionally a date column) from CSV text with d3-dsv's `csvParse`.
 * Throws a one-line error naming the column and the columns that exist when a column is missing,
 * and the row when a value is not a number or a date does not parse. Nothing is skipped or filled.
 * @example
 * parseSeries('date,x\n2012-01-01,1.5\n2012-01-02,2', {column: 'x', date: 'date'}).values // [1.5, 2]
 */
export function parseSeries(text: string, options: SeriesColumnOptions): RealSeries {
  const source = options.source ?? 'CSV';
  const rows = csvParse(text);
  for (const name of [options.column, options.date]) {
    if (name !== undefined && !rows.columns.includes(name)) {
      throw new Error(
        `${source}: no column "${name}"; the columns are ${rows.columns.map((c) => `"${c}"`).join(', ')}`,
      );
    }
  }
  if (rows.length < 2) throw new Error(`${source}: needs at least 2 rows, found ${rows.length}`);
  const values = new Float64Array(rows.length);
  const dates: Date[] = [];
  rows.forEach((row, i) => {
    const raw = row[options.column] ?? '';
    const v = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) {
      throw new Error(
        `${source}: column "${options.column}" row ${i + 2} is "${raw}", not a finite number`,
      );
    }
    values[i] = v;
    if (options.date !== undefined) {
      const text = row[options.date] ?? '';
      const t = Date.parse(text);
      if (Number.isNaN(t)) {
        throw new Error(
          `${source}: column "${options.date}" row ${i + 2} is "${text}", not a date`,
        );
      }
      dates.push(new Date(t));
    }
  });
  return {
    source,
    column: options.column,
    values,
    ...(options.date !== undefined ? { dates } : {}),
  };
}

/**
 * Reads a series from a CSV file (Node); a missing file is a one-line error naming it.
 * @example
 * readSeriesCsv(seattleWeatherPath(), {column: 'wind'}).values.length // 1461
 */
export function readSeriesCsv(file: string, options: SeriesColumnOptions): RealSeries {
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  return parseSeries(readFileSync(file, 'utf8'), { source: file, ...options });
}

/** Path of `vega-datasets/data/seattle-weather.csv` (installed from npm; BSD-3-Clause). */
export function seattleWeatherPath(): string {
  // The package exports only its JS entry (build/index.js); the CSV sits in data/ beside build/.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data', 'seattle-weather.csv');
}

/**
 * Daily Seattle weather 2012–2015 (1,461 days) from the npm package `vega-datasets` (BSD-3-Clause;
 * NOAA observations as packaged by Vega), one column: `temp_max` (default), `temp_min`,
 * `precipitation` or `wind`.
 * @example
 * seattleWeather('temp_max').values[0] // 12.8
 */
export function seattleWeather(column = 'temp_max'): RealSeries {
  return readSeriesCsv(seattleWeatherPath(), {
    column,
    date: 'date',
    source: 'vega-datasets/data/seattle-weather.csv',
  });
}
