// The learning-under-drift race trains with TensorFlow.js in the page, on WebGL when Chromium
// offers it (headless Chromium here has WebGL2 through software GL).
import { expect, test } from '@playwright/test';
import { checkRace, race } from './race.js';

test('drift race trains on the WebGL backend', async ({ page }) => {
  test.setTimeout(150_000);
  const data = await race(page, 'drift-race-webgl');
  expect(data.backend).toBe('webgl');
  checkRace(data);
});
