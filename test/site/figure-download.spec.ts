// Figures for slides: every chart on every page has SVG and PNG download buttons (from the shared
// PlotBox). The downloaded SVG parses as XML (DOMParser, no <parsererror>) and is an <svg> with the
// chart's marks; the PNG is a real PNG whose size (read from its IHDR header) is the SVG's size
// times the button's data-scale, and the SVG is as wide as the chart on the page.
//
// Each click's file is read where the page hands it to the browser (the blob behind the
// `<a download>` it clicks), so a chart's check does not depend on the browser's download
// pipeline: CI once waited 120 s for an SVG download event that never came (momentum-closed-loop;
// not reproduced locally). One file per page also goes through a real browser download and must be
// byte-identical, so the hand-over itself stays tested.
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { PAGES, SCREENSHOTS, watch } from './pages.js';

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian), after checking the magic. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const magic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect([...bytes.subarray(0, 8)], 'PNG signature').toEqual(magic);
  expect(bytes.subarray(12, 16).toString('ascii'), 'first chunk').toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

declare global {
  interface Window {
    /** Every file the page saved: its name and the blob behind its object URL. */
    __saved?: { name: string; blob: Blob | undefined }[];
  }
}

/**
 * Runs in the page before its scripts: records the blob of every object URL, and every
 * `<a download>` click with the blob its href names. The clicks still go to the browser.
 */
function recordSaves(): void {
  const blobs = new Map<string, Blob>();
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob | MediaSource) => {
    const url = create(obj);
    if (obj instanceof Blob) blobs.set(url, obj);
    return url;
  };
  const click = HTMLAnchorElement.prototype.click;
  window.__saved = [];
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    if (this.download) window.__saved?.push({ name: this.download, blob: blobs.get(this.href) });
    click.call(this);
  };
}

/** Clicks a download button and returns the name and bytes of the file the page saved. */
async function save(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const before = await page.evaluate(() => window.__saved?.length ?? 0);
  await button.click();
  const label = await button.getAttribute('aria-label');
  await expect
    .poll(
      async () => {
        const alert = await button.locator('xpath=..').getByRole('alert').allTextContents();
        if (alert.length) throw new Error(`${label}: ${alert.join(' ')}`);
        return page.evaluate(() => window.__saved?.length ?? 0);
      },
      { message: `${label}: one file saved`, timeout: 30_000 },
    )
    .toBe(before + 1);
  const file = await page.evaluate(async (i) => {
    const saved = window.__saved?.[i];
    if (!saved?.blob) return null;
    const bytes = new Uint8Array(await saved.blob.arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return { name: saved.name, base64: btoa(binary) };
  }, before);
  if (!file) throw new Error(`${label}: the saved link names no blob this page created`);
  return { name: file.name, bytes: Buffer.from(file.base64, 'base64') };
}

/** Clicks a download button and returns the file the browser downloaded. */
async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = `${SCREENSHOTS}downloads-${file.suggestedFilename()}`;
  await file.saveAs(path);
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

for (const p of PAGES) {
  test(`figure downloads on ${p.name}: SVG parses, PNG has the figure's size`, async ({ page }) => {
    test.setTimeout(120_000);
    const { problems } = watch(page);
    await page.addInitScript(recordSaves);
    await page.goto(p.path);
    await page.waitForLoadState('networkidle');
    const plots = page.locator('.live-figure [data-plot]:has(.plot-chart)');
    const count = await plots.count();
    for (let i = 0; i < count; i++) {
      const plot = plots.nth(i);
      await expect(plot.locator('.plot-chart svg').first()).toBeVisible();
      const svgButton = plot.locator('[data-download="svg"]');
      const pngButton = plot.locator('[data-download="png"]');
      await expect(svgButton).toHaveAccessibleName(/as SVG/);
      await expect(pngButton).toHaveAccessibleName(/as PNG/);

      const svg = await save(page, svgButton);
      expect(svg.name).toMatch(/^[\w-]+\.svg$/);
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        const root = doc.documentElement;
        return {
          error: doc.getElementsByTagName('parsererror').length,
          tag: root.localName,
          ns: root.namespaceURI,
          width: Number(root.getAttribute('width')),
          height: Number(root.getAttribute('height')),
          marks: root.querySelectorAll('path[d], rect, circle, line').length,
          foreignObjects: root.getElementsByTagName('foreignObject').length,
        };
      }, svg.bytes.toString('utf8'));
      expect(parsed.error, `${svg.name} parses`).toBe(0);
      expect(parsed.tag).toBe('svg');
      expect(parsed.ns).toBe('http://www.w3.org/2000/svg');
      expect(parsed.marks, `${svg.name} has marks`).toBeGreaterThan(2);
      expect(parsed.foreignObjects).toBe(0);
      const onPage = Number(await plot.locator('.plot-chart svg').last().getAttribute('width'));
      expect(parsed.width, `${svg.name} is as wide as the chart on the page`).toBe(onPage);
      expect(parsed.height).toBeGreaterThan(50);

      const png = await save(page, pngButton);
      expect(png.name).toBe(svg.name.replace(/\.svg$/, '.png'));
      const scale = Number(await pngButton.getAttribute('data-scale'));
      expect(scale).toBeGreaterThanOrEqual(1);
      const size = pngSize(png.bytes);
      expect(size, `${png.name} size`).toEqual({
        width: Math.round(parsed.width * scale),
        height: Math.round(parsed.height * scale),
      });

      if (i === 0) {
        const real = await download(page, svgButton);
        expect(real.name, 'the browser saves the file under its name').toBe(svg.name);
        expect(real.bytes.equals(svg.bytes), 'the browser saves the same bytes').toBe(true);
      }
    }
    expect(problems).toEqual([]);
  });
}
