import * as Plot from '@observablehq/plot';

/** Options of `lineChart`. Titles and axis labels are required: every chart says what it shows. */
export interface LineChartOptions {
  /** Figure title, e.g. `'Forgetting curves'`. */
  title: string;
  /** Optional line under the title. */
  subtitle?: string;
  /** Optional caption under the chart. */
  caption?: string;
  /** x-axis label with its unit, e.g. `'step t'`. */
  xLabel: string;
  /** y-axis label with its unit, e.g. `'weight w (a.u.)'`. */
  yLabel: string;
  /** Field holding x. Default `'x'`. */
  x?: string;
  /** Field holding y. Default `'y'`. */
  y?: string;
  /** Field naming the curve (color + legend), or null for one unnamed curve. Default `'series'`. */
  stroke?: string | null;
  /** Log-scale x; rows with x ≤ 0 are dropped. Default false. */
  logX?: boolean;
  /** Log-scale y; rows with y ≤ 0 are dropped. Default false. */
  logY?: boolean;
  /** Extra rows drawn as dots with the same fields, e.g. a simulation over a closed form. */
  points?: readonly object[];
  /** Curves (values of the stroke field) drawn dashed, e.g. references. Default none. */
  dashed?: readonly string[];
  /** Draw the line y = 0. Default false. */
  zeroLine?: boolean;
  /** Order of the legend entries (and colors). Default: order of first appearance. */
  seriesOrder?: readonly string[];
  /** Fixed x domain [min, max]. Default: from the data. */
  xDomain?: readonly [number, number];
  /** Fixed y domain [min, max]. Default: from the data. */
  yDomain?: readonly [number, number];
  /** Curve interpolation, e.g. `'step-after'` for piecewise-constant signals. Default `'linear'`. */
  curve?: Plot.CurveName;
  /** Outer width in pixels. Default 640. */
  width?: number;
  /** Outer height in pixels. Default 320. */
  height?: number;
  /** Extra marks drawn on top, e.g. `Plot.ruleX([switchStep])`. */
  marks?: readonly Plot.Markish[];
}

function positive(rows: readonly object[], field: string, on: boolean | undefined) {
  if (!on) return rows;
  return rows.filter((r) => ((r as Record<string, unknown>)[field] as number) > 0);
}

function orderOf(rows: readonly object[], field: string, given?: readonly string[]) {
  if (given) return [...given];
  const seen = new Set<string>();
  for (const r of rows) seen.add(String((r as Record<string, unknown>)[field]));
  return [...seen];
}

/**
 * Plot options for one or more curves y(x) with a legend, labelled axes and optional log scales.
 * Pure: pass the result to `renderToSvg` (Node) or `Plot.plot` (browser).
 * @example
 * lineChart(seriesRows({ w: [1, 0.5, 0.25] }), { title: 'Weight', xLabel: 'step t', yLabel: 'w' })
 */
export function lineChart(rows: readonly object[], options: LineChartOptions): Plot.PlotOptions {
  const x = options.x ?? 'x';
  const y = options.y ?? 'y';
  const stroke = options.stroke === undefined ? 'series' : options.stroke;
  const keep = (data: readonly object[]) =>
    positive(positive(data, x, options.logX), y, options.logY);
  const data = keep(rows);
  const points = options.points ? keep(options.points) : [];
  const dashed = new Set(options.dashed ?? []);
  const isDashed = (r: object) =>
    stroke !== null && dashed.has(String((r as Record<string, unknown>)[stroke]));
  // Clip to the frame so that curves leaving a fixed domain do not spill over the axes.
  const common = {
    x,
    y,
    clip: true,
    curve: options.curve ?? 'linear',
    ...(stroke ? { stroke } : {}),
  };
  const marks: Plot.Markish[] = [];
  if (options.zeroLine) marks.push(Plot.ruleY([0], { stroke: '#999' }));
  marks.push(
    Plot.line(
      data.filter((r) => !isDashed(r)),
      { ...common, strokeWidth: 1.8 },
    ),
  );
  if (dashed.size > 0) {
    marks.push(
      Plot.line(data.filter(isDashed), { ...common, strokeWidth: 1.5, strokeDasharray: '5,4' }),
    );
  }
  if (points.length > 0) {
    marks.push(
      Plot.dot(points, { x, y, r: 2.5, clip: true, ...(stroke ? { stroke, fill: stroke } : {}) }),
    );
  }
  marks.push(...(options.marks ?? []));
  const domain = stroke ? orderOf([...data, ...points], stroke, options.seriesOrder) : [];
  return {
    title: options.title,
    ...(options.subtitle ? { subtitle: options.subtitle } : {}),
    ...(options.caption ? { caption: options.caption } : {}),
    width: options.width ?? 640,
    height: options.height ?? 320,
    marginLeft: 60,
    grid: true,
    x: {
      label: options.xLabel,
      type: options.logX ? 'log' : 'linear',
      ...(options.xDomain ? { domain: [...options.xDomain] } : { nice: true }),
    },
    y: {
      label: options.yLabel,
      type: options.logY ? 'log' : 'linear',
      ...(options.yDomain ? { domain: [...options.yDomain] } : { nice: true }),
    },
    ...(stroke ? { color: { legend: true, domain, scheme: 'tableau10' } } : {}),
    marks,
  };
}
