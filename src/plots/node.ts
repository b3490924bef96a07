/**
 * Node-only chart rendering: Observable Plot needs a DOM, and here jsdom provides it. Browser code
 * imports `./index.js` and renders with `Plot.plot` or `renderToSvg(options, window.document)`.
 * @module
 */
import type * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { renderToSvg } from './render.js';

/** A fresh, empty jsdom document to render charts into. */
export function nodeDocument(): Document {
  return new JSDOM('').window.document;
}

/**
 * Renders Plot options to SVG/figure markup in Node, e.g. for `tslab.display.html(...)` in a
 * notebook or to write an `.svg` file.
 * @example
 * const rows = seriesRows({ w: [1, 0.5, 0.25] });
 * tslab.display.html(chartSvg(lineChart(rows, {title: 'w', xLabel: 'step', yLabel: 'w'})))
 */
export function chartSvg(options: Plot.PlotOptions): string {
  return renderToSvg(options, nodeDocument());
}
