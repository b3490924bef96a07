// Local, offline search (@easyops-cn/docusaurus-search-local: a lunr index built with the site):
// typing in the navbar box finds tutorial pages and API entries, with no request off the host.
import { expect, test } from '@playwright/test';

async function search(page: import('@playwright/test').Page, query: string) {
  const offHost: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:')
      offHost.push(r.url());
  });
  await page.goto('');
  const box = page.locator('input.navbar__search-input, input[type="search"]').first();
  await box.click();
  await box.pressSequentially(query, { delay: 30 });
  const suggestions = page.locator('[role="listbox"] [role="option"], .aa-suggestion');
  await expect(suggestions.first()).toBeVisible({ timeout: 20_000 });
  return { suggestions, offHost };
}

test('search: "Benna" finds the Benna–Fusi page', async ({ page }) => {
  const { suggestions, offHost } = await search(page, 'Benna');
  await suggestions
    .filter({ hasText: /^Benna–Fusi synapses/ })
    .first()
    .click();
  await expect(page).toHaveURL(/\/benna-fusi(#.*)?$/);
  await expect(page.locator('article h1').first()).toContainText(/Benna/);
  expect(offHost).toEqual([]);
});

test('search: "diagonalize" finds the API entry, which links to its TypeDoc page', async ({
  page,
}) => {
  const { suggestions } = await search(page, 'diagonalize');
  // The entry's title is the export's name, then (no space) its page, "API symbols".
  const entry = suggestions.filter({ hasText: /^diagonalize(?![a-z])/ }).first();
  await expect(entry).toBeVisible();
  await entry.click();
  await expect(page).toHaveURL(/\/reference\/api-symbols#diagonalize$/);
  const link = page.locator('a[href$="/api/functions/diagonalize.html"]');
  await expect(link).toBeVisible();
  const response = await page.request.get(
    new URL((await link.getAttribute('href')) as string, page.url()).toString(),
  );
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(text).toContain('katex-display'); // the update rule rendered, not $$…$$
});
