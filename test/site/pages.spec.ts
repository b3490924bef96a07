// Every page: loads cleanly, KaTeX rendered, no horizontal scroll on a phone, dark mode works.
// One test per page (one page load, then resize, then dark mode) keeps the run short.
import { expect, type Page, test } from '@playwright/test';
import { PAGES, SCREENSHOTS, watch } from './pages.js';

/** Contrast ratio between each figure's chart colour (currentColor) and the figure background. */
function figureContrasts(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const lum = (css: string) => {
      const [r, g, b] = (css.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0]).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    return [...document.querySelectorAll('.live-figure')].map((fig) => {
      const bg = lum(getComputedStyle(fig).backgroundColor);
      const svg = fig.querySelector('svg');
      const fg = svg ? lum(getComputedStyle(svg).color) : bg;
      const [hi, lo] = fg > bg ? [fg, bg] : [bg, fg];
      return (hi + 0.05) / (lo + 0.05);
    });
  });
}

for (const p of PAGES) {
  test(`page ${p.name}: loads cleanly, math rendered, fits 375 px, dark mode`, async ({ page }) => {
    const { problems } = watch(page);
    await page.goto(p.path);
    await page.waitForLoadState('networkidle');
    await expect(page.locator('article h1').first()).toBeVisible();
    if (p.math) expect(await page.locator('.katex-display').count()).toBeGreaterThan(0);
    // No TeX left unrendered. innerText, not textContent: KaTeX's hidden MathML keeps the source.
    // biome-ignore lint/performance/useDomNodeTextContent: rendered text is the point here.
    const text = await page.locator('article').innerText();
    expect(text).not.toContain('$$');
    expect(text).not.toMatch(/\\(frac|sum|alpha|gamma|begin)\b/);
    const figures = await page.locator('.live-figure').count();
    if (figures > 0) await expect(page.locator('.live-figure svg').first()).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}${p.name}.png`, fullPage: true });

    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(300); // let ResizeObserver redraw the charts at phone width
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll, 'page scrolls horizontally at 375 px').toBeLessThanOrEqual(client);
    await page.screenshot({ path: `${SCREENSHOTS}${p.name}-375px.png`, fullPage: true });

    await page.setViewportSize({ width: 1200, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' }); // the site follows the system setting live
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const contrasts = await figureContrasts(page);
    expect(contrasts.length).toBe(figures);
    for (const ratio of contrasts)
      expect(ratio, 'figure contrast in dark mode').toBeGreaterThan(4.5);
    await page.screenshot({ path: `${SCREENSHOTS}${p.name}-dark.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
}

test('the API reference link opens the TypeDoc pages', async ({ page }) => {
  await page.goto('api-reference');
  const href = await page.locator('[data-api-link]').getAttribute('href');
  expect(href).toBeTruthy();
  const response = await page.request.get(new URL(href as string, page.url()).toString());
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('multiscaleDynamics');
});

test('the notebooks page links every course notebook file that exists', async ({ page }) => {
  await page.goto('notebooks');
  const table = page.locator('[data-notebooks]');
  await expect(table).toContainText('01-multiscale-optimizer.ipynb');
  await expect(table).not.toContainText('…'); // the manifest was fetched
  for (const link of await table.locator('a').all()) {
    const href = (await link.getAttribute('href')) as string;
    const response = await page.request.get(new URL(href, page.url()).toString());
    expect(response.status(), href).toBe(200);
  }
});
