import * as Plot from '@observablehq/plot';

/** Options of `barChart`. */
export interface BarChartOptions {
  /** Figure title. */
  title: string;
  /** Optional line under the title. */
  subtitle?: string;
  /** Optional caption under the chart. */
  caption?: string;
  /** Label of the categories' axis, e.g. `'subweight'`. */
  xLabel: string;
  /** Label of the values' axis with its unit, e.g. `'learning rate α_i'`. */
  yLabel: string;
  /** Field naming the category. Default `'x'`. */
  x?: string;
  /** Field holding the value. Default `'y'`. */
  y?: string;
  /** Field grouping bars side by side (color + legend), or null. Default null. */
  group?: string | null;
  /** Outer width in pixels. Default 640. */
  width?: number;
  /** Outer height in pixels. Default 300. */
  height?: number;
}

/**
 * Plot options for a bar per category (optionally grouped, with a legend), with a line at 0 so
 * that negative values (momentum's fast learning rate) read as negative.
 * @example
 * barChart([{x: 'slow', y: 1}, {x: 'fast', y: -0.9}], {title: 'α', xLabel: 'part', yLabel: 'α'})
 */
export function barChart(rows: readonly object[], options: BarChartOptions): Plot.PlotOptions {
  const x = options.x ?? 'x';
  const y = options.y ?? 'y';
  const group = options.group ?? null;
  const order: string[] = [];
  for (const r of rows) {
    const key = String((r as Record<string, unknown>)[x]);
    if (!order.includes(key)) order.push(key);
  }
  const bars = group
    ? Plot.barY(rows, { fx: x, x: group, y, fill: group })
    : Plot.barY(rows, { x, y, fill: 'steelblue' });
  return {
    title: options.title,
    ...(options.subtitle ? { subtitle: options.subtitle } : {}),
    ...(options.caption ? { caption: options.caption } : {}),
    width: options.width ?? 640,
    height: options.height ?? 300,
    marginLeft: 60,
    grid: true,
    ...(group
      ? {
          fx: { label: options.xLabel, domain: order },
          x: { axis: null },
          color: { legend: true, scheme: 'tableau10' },
        }
      : { x: { label: options.xLabel, domain: order } }),
    y: { label: options.yLabel },
    marks: [bars, Plot.ruleY([0])],
  };
}
