/**
 * Small helpers shared by the course notebooks: show a chart, save it for slides, check a number
 * with a visible ✓ (or stop the notebook with an error that says what was expected), and grade an
 * exercise. No optimizer math lives here; the notebooks compute everything with the library in
 * ../../dist (built from ../../src). See ../README.md for the student/instructor mechanism.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import * as tslab from 'tslab';
import { chartSvg } from '../../dist/plots/node.js';

/** Renders Observable Plot options to SVG (jsdom) and displays them in the notebook. */
export function show(options: Plot.PlotOptions): void {
  tslab.display.html(chartSvg(options));
}

/** Prints `✓ label` when `ok`, otherwise throws an error naming the failed check. */
export function check(label: string, ok: boolean, detail = ''): void {
  if (!ok) throw new Error(`✗ ${label}${detail ? `: ${detail}` : ''}`);
  console.log(`✓ ${label}${detail ? ` (${detail})` : ''}`);
}

/** The largest |a_i − b_i| over two equally long arrays (or two numbers). */
export function maxAbsDiff(a: number | ArrayLike<number>, b: number | ArrayLike<number>): number {
  const xs = typeof a === 'number' ? [a] : a;
  const ys = typeof b === 'number' ? [b] : b;
  if (xs.length !== ys.length) throw new Error(`lengths differ: ${xs.length} vs ${ys.length}`);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs((xs[i] as number) - (ys[i] as number));
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst;
}

/**
 * Checks that `actual` matches `expected` to within `tolerance` (absolute, elementwise) and prints
 * `✓ label (max error …)`; throws otherwise.
 */
export function checkClose(
  label: string,
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tolerance: number,
): void {
  const error = maxAbsDiff(actual, expected);
  check(label, error <= tolerance, `max error ${error.toExponential(2)} ≤ ${tolerance}`);
}

/** Formats a number with `digits` significant digits, for captions and printed tables. */
export function fmt(x: number, digits = 4): string {
  return Number(x.toPrecision(digits)).toString();
}

/**
 * An exercise: `answer` is `undefined` in the student copy until the student fills it in. Then it
 * prints `✎ Exercise id: your turn …` and does not throw, so "Run All" gets to the end. Otherwise
 * it runs `check`, which throws with a helpful message on a wrong answer (the notebook stops there,
 * with `✗ Exercise id: …`), and prints `✓ Exercise id`. The notebook runner counts both markers:
 * the instructor copy must print a ✓ for every exercise and no "your turn".
 */
export function exercise<T>(id: string, answer: T | undefined, check: (answer: T) => void): void {
  if (answer === undefined) {
    console.log(
      `✎ Exercise ${id}: your turn — replace \`undefined\` in this cell with your answer and run it.`,
    );
    return;
  }
  try {
    check(answer);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`✗ Exercise ${id}: ${message}`);
  }
  console.log(`✓ Exercise ${id}`);
}

/** Throws `message` unless `ok`: the building block of exercise checkers. */
export function expect(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/**
 * Throws unless `actual` is within `tolerance` of `expected` (absolute, elementwise), with a message
 * that names `what`, says how far off it is and gives `hint`, but does not give the answer away.
 */
export function expectClose(
  what: string,
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tolerance: number,
  hint: string,
): void {
  const xs = typeof actual === 'number' ? [actual] : actual;
  const ys = typeof expected === 'number' ? [expected] : expected;
  if (xs.length !== ys.length) {
    throw new Error(`${what} has ${xs.length} entries, expected ${ys.length}. Hint: ${hint}`);
  }
  const error = maxAbsDiff(xs, ys);
  if (!(error <= tolerance)) {
    throw new Error(
      `${what} is off by ${error.toExponential(2)} (allowed: ${tolerance}). Hint: ${hint}`,
    );
  }
}

/** The repository root: the nearest folder above the notebook whose package.json is this one. */
function repositoryRoot(): string {
  let dir = process.cwd();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'multiscale-optimizer') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('saveFigure: not inside the multiscale-optimizer checkout');
    dir = parent;
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Escapes text for an SVG text node. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Width and height attributes of an `<svg>` element, in px. */
function svgSize(svg: Element): { width: number; height: number } {
  return {
    width: Number(svg.getAttribute('width') ?? 640),
    height: Number(svg.getAttribute('height') ?? 400),
  };
}

/**
 * A standalone SVG document for a rendered chart. Observable Plot returns a bare `<svg>` or, with
 * a title, subtitle, legend or caption, an HTML `<figure>` around it; slide software reads only
 * SVG, so the figure's title, subtitle and caption become `<text>` and each legend swatch a nested
 * `<svg>` next to its label, stacked above and below the plot. Text widths are estimated (no
 * layout engine in Node), at 7 px per character of 12 px text.
 */
export function standaloneSvg(markup: string): { svg: string; width: number; height: number } {
  const document = new JSDOM(`<body>${markup}</body>`).window.document;
  const root = document.body.firstElementChild;
  if (!root) throw new Error('standaloneSvg: the markup holds no element');
  if (root.tagName.toLowerCase() === 'svg') {
    root.setAttribute('xmlns', SVG_NS);
    return { svg: root.outerHTML, ...svgSize(root) };
  }
  const plots = Array.from(root.children).filter((c) => c.tagName.toLowerCase() === 'svg');
  const width = Math.max(...plots.map((p) => svgSize(p).width), 320);
  const parts: string[] = [];
  let y = 0;
  const text = (content: string, size: number, weight = 'normal') => {
    y += size + 6;
    parts.push(
      `<text x="0" y="${y - 4}" font-family="system-ui, sans-serif" font-size="${size}" ` +
        `font-weight="${weight}">${escapeText(content.trim())}</text>`,
    );
  };
  for (const child of Array.from(root.children)) {
    const tag = child.tagName.toLowerCase();
    if (tag === 'h2') text(child.textContent ?? '', 16, 'bold');
    else if (tag === 'h3' || tag === 'figcaption') text(child.textContent ?? '', 12);
    else if (tag === 'svg') {
      const { height } = svgSize(child);
      child.setAttribute('x', '0');
      child.setAttribute('y', String(y));
      parts.push(child.outerHTML);
      y += height;
    } else if (tag === 'div') {
      // A legend: one swatch (a small <svg>) and a label per entry, laid out in rows.
      let x = 0;
      y += 4;
      const swatches = Array.from(child.children).filter(
        (c) => c.tagName.toLowerCase() !== 'style',
      );
      for (const swatch of swatches) {
        const icon = swatch.querySelector('svg');
        const label = (swatch.textContent ?? '').trim();
        const advance = 15 + 6 + 7 * label.length + 16;
        if (x > 0 && x + advance > width) {
          x = 0;
          y += 20;
        }
        if (icon) {
          icon.setAttribute('x', String(x));
          icon.setAttribute('y', String(y));
          parts.push(icon.outerHTML);
        }
        parts.push(
          `<text x="${x + 21}" y="${y + 12}" font-family="system-ui, sans-serif" ` +
            `font-size="12">${escapeText(label)}</text>`,
        );
        x += advance;
      }
      y += 24;
    }
  }
  const height = Math.ceil(y + 4);
  const svg =
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
  return { svg, width, height };
}

/** Where `saveFigure` wrote a chart, and the size of the SVG in px. */
export interface SavedFigure {
  svg: string;
  /** The PNG, or undefined when no Chromium was found to rasterize it (a message says so). */
  png?: string;
  width: number;
  height: number;
}

/**
 * Saves a chart for slides as build/figures/NAME.svg (standalone, see `standaloneSvg`) and
 * build/figures/NAME.png at `scale`× its size. No rasterizer for SVG ships in node_modules except
 * a browser, so the PNG is taken by the Chromium that the site tests use, through Playwright
 * (`CHROMIUM_PATH`, default /usr/bin/chromium). Without one it writes the SVG, prints why there is
 * no PNG and returns `png: undefined`.
 */
export async function saveFigure(
  chart: Plot.PlotOptions,
  name: string,
  { scale = 2 }: { scale?: number } = {},
): Promise<SavedFigure> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new Error(
      `saveFigure: name must be letters, digits, '-' or '_' (it becomes a file name), got '${name}'`,
    );
  }
  if (!(scale > 0 && scale <= 8)) {
    throw new Error(`saveFigure: scale must be in (0, 8], got ${scale}`);
  }
  const folder = join(repositoryRoot(), 'build', 'figures');
  mkdirSync(folder, { recursive: true });
  const { svg, width, height } = standaloneSvg(chartSvg(chart));
  const svgPath = join(folder, `${name}.svg`);
  writeFileSync(svgPath, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`saveFigure: wrote ${svgPath}; no PNG (no Chromium at ${executablePath}).`);
    return { svg: svgPath, width, height };
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    const pngPath = join(folder, `${name}.png`);
    await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width, height } });
    console.log(`saveFigure: wrote ${svgPath} and ${pngPath} (${scale}× ${width}×${height} px)`);
    return { svg: svgPath, png: pngPath, width, height };
  } finally {
    await browser.close();
  }
}
