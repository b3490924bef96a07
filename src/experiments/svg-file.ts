import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';

/**
 * Renders Plot options to a standalone `.svg` file in Node. A chart with a title or legend is an
 * HTML `<figure>`, which is not an SVG document; it is then wrapped, serialized as XHTML, in a
 * `<foreignObject>` (browsers display it; extra height is left for the title and legend).
 */
export function standaloneSvg(options: Plot.PlotOptions): string {
  const { window } = new JSDOM('');
  const element = Plot.plot({ ...options, document: window.document }) as Element;
  const serializer = new window.XMLSerializer();
  if (element.tagName.toLowerCase() === 'svg') {
    element.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    return serializer.serializeToString(element);
  }
  const width = Number(options.width ?? 640);
  const height = Number(options.height ?? 400) + 190;
  const body = serializer.serializeToString(element);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<foreignObject x="0" y="0" width="${width}" height="${height}">`,
    `<div xmlns="http://www.w3.org/1999/xhtml" style="font-family: system-ui, sans-serif; background: white; padding: 4px;">`,
    '<style>h2 { font-size: 17px; margin: 2px 0; } h3 { font-size: 13px; font-weight: normal; margin: 2px 0 6px; }</style>',
    `${body}</div>`,
    '</foreignObject>',
    '</svg>',
  ].join('\n');
}
