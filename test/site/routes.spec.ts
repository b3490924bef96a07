// The built site as a static host sees it, checked from the files in build/site/ (no browser):
// no page route shares its name with a static folder (on GitHub Pages a folder wins over
// NAME.html, and the page becomes a 404), every page has a meta description and the social card,
// and every external link is listed in test/site/external-links.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { EXTERNAL_LINKS } from './external-links.js';

const site = new URL('../../build/site/', import.meta.url).pathname;

/** Every file under `dir`, relative to the site root. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [relative(site, full)];
  });
}

const html = files(site).filter((f) => f.endsWith('.html'));
/** Docusaurus pages: everything but the TypeDoc reference, readable notebooks and the 404. */
const pages = html.filter(
  (f) => !f.startsWith('api/') && !f.startsWith('notebook-files/') && f !== '404.html',
);
/** Content pages: the search plugin's results page has no content of its own to describe. */
const contentPages = pages.filter((f) => f !== 'search.html');
/** The content of a <meta> tag with this name or property (React Helmet adds data-rh first). */
const meta = (text: string, key: string) =>
  text.match(new RegExp(`<meta[^>]*(?:name|property)="${key}"[^>]*content="([^"]*)"`))?.[1] ?? '';

test('no page route shares its name with a static folder (GitHub Pages would serve the folder)', () => {
  expect(pages.length).toBeGreaterThan(5);
  const collisions = pages
    .filter((f) => !f.endsWith('index.html'))
    .map((f) => f.replace(/\.html$/, ''))
    .filter((route) => existsSync(join(site, route)) && statSync(join(site, route)).isDirectory());
  expect(collisions).toEqual([]);
});

test('every page has a meta description, an og:description and the social card', () => {
  const missing: string[] = [];
  for (const page of contentPages) {
    const text = readFileSync(join(site, page), 'utf8');
    const description = meta(text, 'description');
    if (description.length < 20) missing.push(`${page}: description "${description}"`);
    if (meta(text, 'og:description').length < 20) missing.push(`${page}: og:description`);
    const card = meta(text, 'og:image');
    if (!card.endsWith('/img/social-card.png')) missing.push(`${page}: og:image "${card}"`);
  }
  expect(missing).toEqual([]);
  expect(existsSync(join(site, 'img/social-card.png'))).toBe(true);
});

/** External links (<a href="http…">) in one HTML file, without fragment or trailing slash. */
function externalLinks(text: string): string[] {
  return [...text.matchAll(/<a\b[^>]*\bhref="(https?:\/\/[^"]+)"/g)]
    .map((m) => (m[1] as string).replace(/&amp;/g, '&').replace(/#.*$/, '').replace(/\/$/, ''))
    .filter((url) => !/^https?:\/\/(localhost|127\.0\.0\.1)\b/.test(url));
}

test('every external link on the site is listed in test/site/external-links.ts', () => {
  const found = new Map<string, string>();
  for (const file of html) {
    for (const url of externalLinks(readFileSync(join(site, file), 'utf8'))) {
      if (!found.has(url)) found.set(url, file);
    }
  }
  const listed = new Set(EXTERNAL_LINKS.map((u) => u.replace(/#.*$/, '').replace(/\/$/, '')));
  const unlisted = [...found].filter(([url]) => !listed.has(url)).map(([u, f]) => `${u} (${f})`);
  const unused = [...listed].filter((url) => !found.has(url));
  expect(unlisted, 'add these to test/site/external-links.ts').toEqual([]);
  expect(unused, 'no page links these any more: remove them').toEqual([]);
});
