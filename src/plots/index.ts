/**
 * Chart builders shared by the course notebooks and the tutorial site. Each builder is pure: it
 * takes rows and options and returns Observable Plot options, which the browser renders with
 * `Plot.plot` and Node with `chartSvg` from `./node.js` (jsdom).
 * @module
 */
export { type BarChartOptions, barChart } from './bar-chart.js';
export { type LineChartOptions, lineChart } from './line-chart.js';
export {
  type MatrixCell,
  type MatrixChartOptions,
  matrixCells,
  matrixChart,
} from './matrix-chart.js';
export { renderToSvg } from './render.js';
export { type SeriesRow, type SeriesRowsOptions, sampleIndices, seriesRows } from './series.js';
