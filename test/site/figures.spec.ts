// Live figures: each draws an SVG with data, every control is labelled, keyboard-operable and
// changes the drawing, and the numbers a figure plots are the library's numbers (recomputed here,
// in Node, from the figure's own settings).
import { expect, type Locator, type Page, test } from '@playwright/test';
import {
  bennaFusiDynamics,
  diagonalize,
  impulseResponse,
  momentumDynamics,
  multiscaleDynamics,
  simulate,
} from '../../src/index.js';
import { watch } from './pages.js';

const FIGURES = [
  { name: 'decomposition', path: 'multiscale-optimizer' },
  { name: 'benna-fusi', path: 'benna-fusi' },
  { name: 'momentum', path: 'momentum' },
  { name: 'forgetting', path: 'forgetting-curves' },
] as const;

type Data = Record<string, unknown>;

/** The JSON a figure publishes about what it plots. */
async function figureData(figure: Locator): Promise<Data> {
  return JSON.parse((await figure.locator('script.figure-data').textContent()) ?? 'null');
}

/** All of a figure's charts, as markup. */
function drawing(figure: Locator): Promise<string> {
  return figure.locator('.plots').innerHTML();
}

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
) {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
  }
  expect(worst, `${what}: worst relative difference`).toBeLessThanOrEqual(tol);
}

const numbers = (x: unknown) => x as number[];
const column = (states: ArrayLike<number>[], i: number) => states.map((s) => s[i] as number);

/** Recomputes a figure's numbers with the library and compares. */
function checkAgainstLibrary(name: string, d: Data): void {
  if (name === 'decomposition') {
    const alpha = numbers(d.alpha);
    const gamma = numbers(d.gamma);
    const g = numbers(d.gradients);
    const y = numbers(d.y);
    const w = numbers(d.w);
    // The closed loop: each gradient is ∂/∂w ½(w − y)² at the weight before the step.
    const loop = y.map((yt, t) => (t === 0 ? 0 : (w[t - 1] as number)) - yt);
    expectClose(g, loop, 1e-12, 'gradient = w − y');
    const ref = simulate(multiscaleDynamics({ alpha, gamma }), g);
    expectClose(w, ref.w, 1e-12, 'w');
    (d.omega as number[][]).forEach((o, i) => {
      expectClose(o, column(ref.states, i), 1e-12, `omega_${i + 1}`);
    });
  } else if (name === 'momentum') {
    const eta = d.eta as number;
    const beta = d.beta as number;
    const ema = d.ema as boolean;
    const dyn = momentumDynamics({ learningRate: eta, momentum: beta, ema });
    const ref = simulate(dyn, numbers(d.gradients), d.w0 as number);
    expectClose(numbers(d.w), ref.w, 1e-12, 'w (coupled)');
    expectClose(numbers(d.wDiagonal), ref.w, 1e-9, 'w (slow + fast)');
    // The derivation on the momentum page, independently of diagonalize().
    const kappa = ema ? 1 - beta : 1;
    expectClose(numbers(d.gamma), [1, beta], 1e-12, 'gamma');
    expectClose(
      numbers(d.alpha),
      [(kappa * eta) / (1 - beta), (-kappa * eta * beta) / (1 - beta)],
      1e-9,
      'alpha',
    );
    const wStar = d.wStar as number;
    const w = numbers(d.w);
    const loop = w.map((_, t) => {
      const before = t === 0 ? (d.w0 as number) : (w[t - 1] as number);
      return (d.kappa as number) * (before - wStar);
    });
    expectClose(numbers(d.gradients), loop, 1e-12, 'gradient = κ(w − w*)');
  } else if (name === 'benna-fusi') {
    const dyn = bennaFusiDynamics({
      learningRate: d.learningRate as number,
      beakers: d.m as number,
      couplings: numbers(d.couplings),
    });
    // One lesson: g = −1 for `lesson` steps, then nothing; the figure publishes log-spaced steps.
    const gradients = Array.from({ length: d.steps as number }, (_, t) =>
      t < (d.lesson as number) ? -1 : 0,
    );
    const ref = simulate(dyn, gradients);
    const index = numbers(d.index);
    (d.u as number[][]).forEach((u, k) => {
      expectClose(
        u,
        index.map((i) => ref.states[i]?.[k] as number),
        1e-12,
        `u_${k + 1}`,
      );
    });
    expectClose(
      numbers(d.wCoupled),
      index.map((i) => ref.w[i] as number),
      1e-12,
      'w (coupled)',
    );
    const diag = diagonalize(dyn);
    expectClose(numbers(d.gamma), diag.gamma, 1e-12, 'gamma');
    expectClose(numbers(d.alpha), diag.alpha, 1e-12, 'alpha');
    // Identical w in both views; the rates add up to α/C_1 (C_1 = 1).
    expectClose(numbers(d.wDiagonal), numbers(d.wCoupled), 1e-9, 'w (diagonal vs coupled)');
    const total = numbers(d.alpha).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(d.learningRate as number, 9);
  } else if (name === 'forgetting') {
    const h = impulseResponse(
      bennaFusiDynamics({ learningRate: d.learningRate as number, beakers: d.m as number }),
      d.steps as number,
    );
    expectClose(
      numbers(d.trace),
      numbers(d.index).map((i) => -(h[i] as number)),
      1e-12,
      'memory trace',
    );
  }
}

/** Moves a control by keyboard (range: arrow key; select: next option). */
async function nudge(page: Page, control: Locator): Promise<void> {
  const tag = await control.evaluate((el) => el.tagName.toLowerCase());
  await control.focus();
  if (tag === 'select') {
    const options = await control
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const current = await control.inputValue();
    const next = options[(options.indexOf(current) + 1) % options.length] as string;
    await control.selectOption(next);
  } else {
    const atMax = await control.evaluate(
      (el) => (el as HTMLInputElement).value === (el as HTMLInputElement).max,
    );
    await page.keyboard.press(atMax ? 'ArrowLeft' : 'ArrowRight');
  }
}

for (const f of FIGURES) {
  test(`figure ${f.name}: draws data, every control changes it, numbers match the library`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const { problems } = watch(page);
    await page.goto(f.path);
    const figure = page.locator(`[data-figure="${f.name}"]`);
    await expect(figure.locator('svg').first()).toBeVisible();
    // Data drawn: at least one line or bar with real geometry.
    const marks = figure.locator('svg path[d], svg rect[height]');
    expect(await marks.count()).toBeGreaterThan(0);
    await expect(figure).toHaveAttribute('aria-describedby', /.+/);
    expect((await figure.locator('figcaption').textContent())?.length).toBeGreaterThan(40);
    checkAgainstLibrary(f.name, await figureData(figure));

    const controls = figure.locator('[data-control]');
    const count = await controls.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const control = controls.nth(i);
      if (!(await control.isVisible())) continue;
      const labelled = await control.evaluate(
        (el) => ((el as HTMLInputElement).labels?.length ?? 0) > 0,
      );
      expect(labelled, `control ${await control.getAttribute('data-control')} has a label`).toBe(
        true,
      );
      const before = await drawing(figure);
      const caption = await figure.locator('figcaption').textContent();
      await nudge(page, control);
      const name = await control.getAttribute('data-control');
      await expect
        .poll(() => drawing(figure), { message: `moving ${name} changes the drawing` })
        .not.toBe(before);
      if (name !== 'snapshot') {
        expect(
          await figure.locator('figcaption').textContent(),
          `${name} updates the caption`,
        ).not.toBe(caption);
      }
      checkAgainstLibrary(f.name, await figureData(figure));
    }
    expect(problems).toEqual([]);
  });
}
