// Shared helpers for the site's browser tests: the page list, and a watcher that records every
// console error, uncaught exception and failed request a page produces.
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';

/** Every page of the site: path relative to the base URL, and whether it shows display math. */
export const PAGES = [
  { name: 'overview', path: '', math: true },
  { name: 'syllabus', path: 'syllabus', math: false },
  { name: 'multiscale-optimizer', path: 'multiscale-optimizer', math: true },
  { name: 'benna-fusi', path: 'benna-fusi', math: true },
  { name: 'momentum', path: 'momentum', math: true },
  { name: 'momentum-closed-loop', path: 'momentum-closed-loop', math: true },
  { name: 'fast-weights', path: 'fast-weights', math: true },
  { name: 'forgetting-curves', path: 'forgetting-curves', math: true },
  { name: 'diffusion', path: 'diffusion', math: true },
  { name: 'learning-under-drift', path: 'learning-under-drift', math: true },
  { name: 'real-data', path: 'real-data', math: false },
  { name: 'linear-optimizers', path: 'linear-optimizers', math: true },
  { name: 'notation', path: 'notation', math: true },
  { name: 'glossary', path: 'glossary', math: false },
  { name: 'problem-set', path: 'problem-set', math: true },
  { name: 'bibliography', path: 'bibliography', math: false },
  { name: 'notebooks', path: 'notebooks', math: false },
  { name: 'api-reference', path: 'api-reference', math: false },
] as const;

/** Chromium flags that keep a headless run quiet and offline (see GUIDE.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium that Playwright drives (scripts/ensure.mjs installs it). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go, for a person to look at. */
export const SCREENSHOTS = new URL('../../build/screenshots/', import.meta.url).pathname;
mkdirSync(SCREENSHOTS, { recursive: true });

/** Records problems on a page; `problems` lists them as readable strings. */
export function watch(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { problems };
}
