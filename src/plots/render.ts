import * as Plot from '@observablehq/plot';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Renders Plot options to markup with the given `document` (jsdom's in Node, `window.document` in
 * a browser): an `<svg>`, or a `<figure>` around it when the chart has a title or legend. Every
 * `<svg>` gets its `xmlns`, so the markup also works as a standalone `.svg` file.
 * @example
 * const rows = seriesRows({ w: [1, 0.5, 0.25] });
 * renderToSvg(lineChart(rows, {title: 'w', xLabel: 'step', yLabel: 'w'}), document)
 */
export function renderToSvg(options: Plot.PlotOptions, document: Document): string {
  const element = Plot.plot({ ...options, document }) as Element;
  const svgs = element.tagName.toLowerCase() === 'svg' ? [element] : [];
  svgs.push(...Array.from(element.querySelectorAll('svg')));
  for (const svg of svgs) svg.setAttribute('xmlns', SVG_NS);
  return element.outerHTML;
}
