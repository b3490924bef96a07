// Turns a live Observable Plot chart into a standalone SVG file (title, legend and chart as real
// SVG elements, no foreignObject) and rasterizes that SVG into a PNG, so figures can go on slides.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Pixel density of the PNG export: the PNG is this many times the figure's size in CSS px. */
export const PNG_SCALE = 2;

/** A chart as a standalone SVG document. */
export interface ExportedSvg {
  /** The serialized SVG file. */
  markup: string;
  /** Its size in CSS pixels (the `width`/`height` attributes of the root). */
  width: number;
  height: number;
}

/** Rough width of a text line at a font size (no layout engine outside the DOM). */
const textWidth = (text: string, size: number) => text.length * size * 0.6;

function svgEl<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = doc.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The (color, label) pairs of an Observable Plot swatches legend. */
function swatches(legend: Element): { color: string; label: string }[] {
  return [...legend.children]
    .filter((s) => /-swatch(\s|$)/.test(s.getAttribute('class') ?? ''))
    .map((s) => {
      const mark = s.querySelector('svg');
      const shape = mark?.querySelector('[fill], [stroke]');
      const color =
        mark?.getAttribute('fill') ??
        shape?.getAttribute('fill') ??
        shape?.getAttribute('stroke') ??
        'currentColor';
      return { color, label: (s.textContent ?? '').trim() };
    });
}

/**
 * Builds a standalone SVG from the element Observable Plot rendered into `container`: an `<svg>`,
 * or a `<figure>` with a title (h2), subtitle (h3), swatch legend, chart svg(s) and caption. The
 * text is drawn in the chart's computed colour on its figure's background colour, so the file
 * looks like the page.
 */
export function exportSvg(container: Element, background: string): ExportedSvg {
  const doc = container.ownerDocument;
  const chart = container.firstElementChild;
  if (!chart) throw new Error('exportSvg: the chart has not been drawn yet');
  const style = getComputedStyle(container);
  const color = style.color;
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const parts = chart.tagName.toLowerCase() === 'svg' ? [chart] : [...chart.children];
  const svgWidth = (p: Element) =>
    Number(p.getAttribute('width') ?? (p as SVGSVGElement).clientWidth) || 0;
  // As wide as the widest chart svg (a colour-ramp legend is narrower than the chart).
  const width = Math.max(
    0,
    ...parts.filter((p) => p.tagName.toLowerCase() === 'svg').map(svgWidth),
  );
  if (!(width > 0)) throw new Error('exportSvg: the chart has no svg with a width');
  const root = svgEl(doc, 'svg', { width, height: 0, color, 'font-family': font });
  const fill = svgEl(doc, 'rect', { width: '100%', height: '100%', fill: background });
  root.append(fill);
  let y = 4;
  const line = (text: string, size: number, weight = 'normal') => {
    const t = svgEl(doc, 'text', {
      x: 2,
      y: y + size,
      'font-size': size,
      'font-weight': weight,
      fill: 'currentColor',
    });
    t.textContent = text;
    root.append(t);
    y += size * 1.45;
  };
  for (const part of parts) {
    const tag = part.tagName.toLowerCase();
    const cls = part.getAttribute('class') ?? '';
    if (tag === 'h2') line((part.textContent ?? '').trim(), 17, 'bold');
    else if (tag === 'h3') line((part.textContent ?? '').trim(), 13);
    else if (tag === 'figcaption') line((part.textContent ?? '').trim(), 12);
    else if (tag === 'div' && /-swatches/.test(cls)) {
      let x = 2;
      const size = 12;
      y += 4;
      for (const s of swatches(part)) {
        const w = 15 + 6 + textWidth(s.label, size) + 14;
        if (x > 2 && x + w > width) {
          x = 2;
          y += size * 1.6;
        }
        root.append(svgEl(doc, 'rect', { x, y: y + 1, width: 15, height: 12, fill: s.color }));
        const t = svgEl(doc, 'text', {
          x: x + 21,
          y: y + 11,
          'font-size': size,
          fill: 'currentColor',
        });
        t.textContent = s.label;
        root.append(t);
        x += w;
      }
      y += size * 1.6 + 4;
    } else if (tag === 'svg') {
      const copy = part.cloneNode(true) as SVGSVGElement;
      const h = Number(part.getAttribute('height') ?? (part as SVGSVGElement).clientHeight);
      const w = Number(part.getAttribute('width') ?? (part as SVGSVGElement).clientWidth);
      copy.setAttribute('x', '0');
      copy.setAttribute('y', String(y));
      copy.setAttribute('width', String(w));
      copy.setAttribute('height', String(h));
      if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${w} ${h}`);
      // Plot's own stylesheet gives its svg `height: auto`, which for a nested <svg> means 100% of
      // the file: pin the size inline (inline style beats Plot's zero-specificity :where rules).
      copy.setAttribute('style', `width:${w}px;height:${h}px;max-width:none`);
      copy.removeAttribute('role');
      root.append(copy);
      y += h;
    }
  }
  const height = Math.ceil(y + 4);
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const markup = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}`;
  return { markup, width, height };
}

/** Rasterizes a standalone SVG into a PNG blob of `scale` × its size. */
export async function svgToPng(svg: ExportedSvg, scale = PNG_SCALE): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.markup)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(svg.width * scale);
  canvas.height = Math.round(svg.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('svgToPng: no 2D canvas context');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('svgToPng: toBlob failed'))),
      'image/png',
    ),
  );
}

/** Saves a blob under a file name (the browser's download). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
