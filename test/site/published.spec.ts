// What the site publishes next to its pages: the TypeDoc API reference (math rendered by KaTeX,
// no raw `$$`) and the executed notebooks as readable pages (charts, math and ✓ output in place,
// 375 px wide, nothing fetched from another host), linked from the Notebooks page.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { watch } from './pages.js';

const site = new URL('../../build/site/', import.meta.url).pathname;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return htmlFiles(full);
    return name.endsWith('.html') ? [relative(site, full)] : [];
  });
}

test('no API reference page contains raw $$; the pages with math render it with KaTeX', () => {
  const pages = htmlFiles(join(site, 'api'));
  expect(pages.length).toBeGreaterThan(20);
  const raw = pages.filter((p) => readFileSync(join(site, p), 'utf8').includes('$$'));
  expect(raw).toEqual([]);
  const withMath = pages.filter((p) =>
    readFileSync(join(site, p), 'utf8').includes('class="katex-display"'),
  );
  expect(withMath).toContain('api/functions/diagonalize.html');
});

test('an API page shows its equation with KaTeX styles and fonts (no 404)', async ({ page }) => {
  const { problems } = watch(page);
  await page.goto('api/functions/multiscaleDynamics.html');
  const display = page.locator('.katex-display').first();
  await expect(display).toBeVisible();
  // Styled by katex.min.css: the MathML copy is clipped away, the HTML rendering is visible.
  await expect(page.locator('.katex-html').first()).toBeVisible();
  const font = await display
    .locator('.katex')
    .first()
    .evaluate((el) => getComputedStyle(el).fontFamily);
  expect(font).toContain('KaTeX_Main');
  await page.waitForLoadState('networkidle');
  expect(problems).toEqual([]);
});

test('the executed notebooks are readable pages, linked from the Notebooks page', async ({
  page,
}) => {
  await page.goto('notebooks');
  // Let the Docusaurus page finish its route prefetches: leaving mid-request aborts them.
  await page.waitForLoadState('networkidle');
  const links = page.locator('[data-read-notebook]');
  await expect(links.first()).toBeVisible();
  const hrefs = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  expect(hrefs.length).toBeGreaterThanOrEqual(5);
  await page.setViewportSize({ width: 375, height: 800 });
  for (const href of hrefs) {
    const { problems } = watch(page);
    const offHost: string[] = [];
    const onRequest = (r: import('@playwright/test').Request) => {
      if (!/^(http:\/\/127\.0\.0\.1|data:)/.test(r.url())) offHost.push(r.url());
    };
    page.on('request', onRequest);
    await page.goto(href);
    await page.waitForLoadState('networkidle');
    const name = href.split('/').pop();
    // Charts (Observable Plot SVGs from the executed cells), rendered math, and checked output.
    expect(
      await page.locator('.jp-OutputArea-output svg').count(),
      `${name}: charts`,
    ).toBeGreaterThan(0);
    await expect(page.locator('.katex').first(), `${name}: math`).toBeAttached();
    // biome-ignore lint/performance/useDomNodeTextContent: rendered text is the point here.
    const text = await page.locator('body').innerText();
    expect(text, `${name}: ✓ output`).toContain('✓');
    expect(text, `${name}: TeX left unrendered`).not.toContain('$$');
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll, `${name} scrolls horizontally at 375 px`).toBeLessThanOrEqual(client);
    await expect(page.locator('a.back-to-site')).toHaveAttribute('href', '../../notebooks');
    page.off('request', onRequest);
    expect(offHost, `${name}: requests to other hosts`).toEqual([]);
    // The readable notebooks are plain HTML and load no Docusaurus chunk: an aborted
    // /assets/js/ request here is the Notebooks page's idle-time prefetch, cut off by goto.
    const real = problems.filter((p) => !/\/assets\/js\/.*net::ERR_ABORTED/.test(p));
    expect(real, name).toEqual([]);
  }
});
