// The explorables (momentum in closed loop, diffusion, lifetime scaling): each figure draws data,
// every control is labelled, keyboard-operable and changes the drawing and the caption, and the
// numbers the browser plots are recomputed here in Node with the library (and, where one exists,
// a closed form written out in this file).
import { expect, type Locator, type Page, test } from '@playwright/test';
import {
  autocorrelation,
  closedLoopEigenvalues,
  convergenceRate,
  optimalMomentum,
  ravinePath,
} from '../../src/experiments/closed-loop.js';
import {
  impulseResponseAt,
  measuredSlope,
  powerLawWindow,
  ratioChainDynamics,
} from '../../src/experiments/diffusion.js';
import { driftData, driftProblem } from '../../src/experiments/drift.js';
import { lifetimeScaling } from '../../src/experiments/lifetime.js';
import {
  aggmoDynamics,
  bennaFusiDynamics,
  complexSynapseDynamics,
  diagonalize,
  fastWeightDynamics,
  impulseResponse,
  type LinearDynamics,
  momentumDynamics,
  qhmDynamics,
} from '../../src/index.js';
import { watch } from './pages.js';

type Data = Record<string, unknown>;
const numbers = (x: unknown) => x as number[];

async function figureData(figure: Locator): Promise<Data> {
  return JSON.parse((await figure.locator('script.figure-data').textContent()) ?? 'null');
}

function drawing(figure: Locator): Promise<string> {
  return figure.locator('.plots').innerHTML();
}

function expectClose(actual: unknown, expected: unknown, tol: number, what: string): void {
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    expect(a.length, `${what}: length`).toBe(expected.length);
    expected.forEach((e, i) => {
      expectClose(a[i], e, tol, `${what}[${i}]`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected)) {
      expectClose((actual as Data)[k], v, tol, `${what}.${k}`);
    }
  } else if (typeof expected !== 'number') {
    expect(actual, what).toEqual(expected);
  } else {
    const e = expected as number;
    expect(Math.abs((actual as number) - e), `${what}: ${actual} vs ${e}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(e)),
    );
  }
}

function checkAgainstLibrary(name: string, d: Data): void {
  if (name === 'momentum-closed-loop') {
    const eta = d.eta as number;
    const beta = d.beta as number;
    const curvatures = d.curvatures as [number, number];
    const optimizers = [
      momentumDynamics({ learningRate: eta, momentum: 0 }),
      momentumDynamics({ learningRate: eta, momentum: beta }),
      fastWeightDynamics({
        slowLearningRate: eta / (1 - beta),
        fastLearningRate: (eta * beta) / (1 - beta),
        fastRetention: beta,
      }),
    ];
    expectClose(
      d.rates,
      optimizers.map((o) => convergenceRate(o, curvatures)),
      1e-9,
      'rates',
    );
    // Goh (2017): momentum's roots multiply to β; gradient descent's root is 1 − ηλ.
    (d.eigenvalues as { re: number; im: number }[][][])[1]?.forEach((zs) => {
      const [z1, z2] = zs as [{ re: number; im: number }, { re: number; im: number }];
      expect(z1.re * z2.re - z1.im * z2.im).toBeCloseTo(beta, 9);
    });
    expect((d.rates as number[])[0]).toBeCloseTo(
      Math.max(...curvatures.map((l) => Math.abs(1 - eta * l))),
      9,
    );
    expectClose(
      d.eigenvalues,
      optimizers.map((o) => curvatures.map((l) => closedLoopEigenvalues(o, l))),
      1e-9,
      'eigenvalues',
    );
    expectClose(d.optimum, optimalMomentum(eta, curvatures), 1e-6, 'optimum');
    const drift = d.drift as {
      curvatures: [number, number];
      step: number;
      steps: number;
      seed: number;
    };
    optimizers.forEach((o, i) => {
      const path = ravinePath({
        dynamics: o,
        curvatures,
        angle: d.angle as number,
        start: d.start as [number, number],
        steps: d.steps as number,
        escape: 1e3,
      });
      expectClose((d.paths as unknown[])[i], path.w, 1e-9, `path ${i}`);
      expectClose(
        (d.ravineR as unknown[])[i],
        autocorrelation(path.gradient, d.maxLag as number),
        1e-9,
        `ravine r ${i}`,
      );
      if (i === 1) expectClose(d.subweights, path.subweights[0], 1e-9, 'subweights');
      const drifting = ravinePath({
        dynamics: o,
        curvatures: drift.curvatures,
        start: [0, 0],
        steps: drift.steps,
        drift: drift.step,
        seed: drift.seed,
      });
      expectClose(
        (d.driftR as unknown[])[i],
        autocorrelation(drifting.gradient, d.maxLag as number),
        1e-9,
        `drift r ${i}`,
      );
    });
  } else if (name === 'diffusion') {
    const qC = d.capacityRatio as number;
    const qG = d.tubeRatio as number;
    const dyn = ratioChainDynamics({
      beakers: d.beakers as number,
      capacityRatio: qC,
      tubeRatio: qG,
    });
    expect(d.predicted as number).toBeCloseTo(Math.log(qC) / Math.log(qC / qG), 12);
    expectClose(
      d.response,
      impulseResponseAt(dyn, numbers(d.times)).map((h) => -h),
      1e-9,
      'response',
    );
    const window = powerLawWindow(dyn);
    expectClose(d.window, window, 1e-9, 'window');
    if (window) expect(d.slope as number).toBeCloseTo(measuredSlope(dyn, window).slope, 9);
    expectClose(
      d.capacities,
      numbers(d.capacities).map((_, l) => qC ** l),
      1e-12,
      'C_ℓ = q_C^(ℓ−1)',
    );
  } else if (name === 'lifetime-scaling') {
    const retention = d.retention as number;
    expectClose(d.rows, lifetimeScaling({ sizes: numbers(d.sizes), retention }), 1e-9, 'rows');
    // The fixed-γ synapse by hand: initial SNR √(N(1 − γ²)).
    for (const row of d.rows as { model: string; N: number; initialSnr: number }[]) {
      if (row.model === 'exponential, fixed γ') {
        expect(row.initialSnr).toBeCloseTo(Math.sqrt(row.N * (1 - retention ** 2)), 6);
      }
    }
  }
}

async function nudge(page: Page, control: Locator): Promise<void> {
  await control.focus();
  const atMax = await control.evaluate(
    (el) => (el as HTMLInputElement).value === (el as HTMLInputElement).max,
  );
  await page.keyboard.press(atMax ? 'ArrowLeft' : 'ArrowRight');
}

const FIGURES = [
  { name: 'momentum-closed-loop', path: 'momentum-closed-loop' },
  { name: 'diffusion', path: 'diffusion' },
  { name: 'lifetime-scaling', path: 'diffusion' },
] as const;

for (const f of FIGURES) {
  test(`explorable ${f.name}: draws data, every control changes it, numbers match the library`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const { problems } = watch(page);
    await page.goto(f.path);
    const figure = page.locator(`[data-figure="${f.name}"]`);
    await expect(figure.locator('svg').first()).toBeVisible();
    expect(await figure.locator('svg path[d], svg rect[height]').count()).toBeGreaterThan(0);
    expect((await figure.locator('figcaption').textContent())?.length).toBeGreaterThan(80);
    checkAgainstLibrary(f.name, await figureData(figure));
    const controls = figure.locator('[data-control]');
    const count = await controls.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const control = controls.nth(i);
      const name = await control.getAttribute('data-control');
      const labelled = await control.evaluate(
        (el) => ((el as HTMLInputElement).labels?.length ?? 0) > 0,
      );
      expect(labelled, `control ${name} has a label`).toBe(true);
      const before = await drawing(figure);
      const caption = await figure.locator('figcaption').textContent();
      await nudge(page, control);
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

test('momentum-closed-loop: dragging on a ravine moves the start point', async ({ page }) => {
  await page.goto('momentum-closed-loop');
  const figure = page.locator('[data-figure="momentum-closed-loop"]');
  const svg = figure.locator('[data-plot="path-momentum"] svg').first();
  await expect(svg).toBeVisible();
  const before = (await figureData(figure)).start;
  await svg.scrollIntoViewIfNeeded();
  const box = await svg.boundingBox();
  if (!box) throw new Error('no box');
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
  await expect.poll(async () => (await figureData(figure)).start).not.toEqual(before);
  checkAgainstLibrary('momentum-closed-loop', await figureData(figure));
});

test('drift race: previews the seed’s drifting targets before Start, and the seed changes them', async ({
  page,
}) => {
  const { problems } = watch(page);
  await page.goto('learning-under-drift');
  const figure = page.locator('[data-figure="drift-race"]');
  const preview = figure.locator('[data-plot="drift-preview"] svg g[aria-label="line"] path');
  await expect(preview.first()).toBeVisible();
  // No empty race chart before Start.
  expect(await figure.locator('[data-plot="drift-race"]').count()).toBe(0);
  const check = async () => {
    const d = await figureData(figure);
    const y = driftData(
      driftProblem({ dim: d.dim as number, steps: d.steps as number }),
      d.seed as number,
      d.replicas as number,
    ).y;
    const rows = (d.preview as { rows: { x: number; y: number; series: string }[] }).rows;
    for (const r of rows.filter((row) => row.series === 'target y(t)')) {
      expect(r.y).toBeCloseTo(y[(r.x - 1) * (d.replicas as number)] as number, 6);
    }
    expect(d.firstTargets).toEqual(Array.from(y.subarray(0, 8)));
  };
  await check();
  const before = await drawing(figure);
  await figure.locator('[data-control="seed"]').fill('5');
  await expect.poll(() => drawing(figure)).not.toBe(before);
  await expect(figure.locator('figcaption')).toContainText('seed 5');
  await check();
  expect(problems).toEqual([]);
});

/** The converter's optimizer rebuilt in Node from what the page says it built. */
function converterDynamics(kind: string, p: Record<string, number>): LinearDynamics {
  switch (kind) {
    case 'momentum':
    case 'nesterov':
      return momentumDynamics({
        learningRate: p.eta as number,
        momentum: p.beta as number,
        nesterov: kind === 'nesterov',
      });
    case 'fastWeights':
      return fastWeightDynamics({
        slowLearningRate: p.slow as number,
        fastLearningRate: p.fast as number,
        fastRetention: p.retention as number,
      });
    case 'bennaFusi':
      return bennaFusiDynamics({ learningRate: p.eta as number, beakers: p.beakers as number });
    case 'aggmo':
      return aggmoDynamics({
        learningRate: p.eta as number,
        betas: Array.from({ length: p.K as number }, (_, k) => 1 - 10 ** -k),
      });
    case 'qhm':
      return qhmDynamics({
        learningRate: p.eta as number,
        momentum: p.beta as number,
        nu: p.nu as number,
      });
    case 'complexSynapse':
      return complexSynapseDynamics({
        learningRate: p.eta as number,
        beakers: p.beakers as number,
        longestTimescale: Number((10 ** (p.longest as number)).toPrecision(4)),
      });
    default:
      throw new Error(`unknown optimizer ${kind}`);
  }
}

function checkConverter(d: Data): void {
  const dyn =
    d.kind === 'custom'
      ? (d.dynamics as LinearDynamics)
      : converterDynamics(d.kind as string, d.params as Record<string, number>);
  if (d.kind !== 'custom') expectClose(d.dynamics, dyn, 1e-12, 'dynamics');
  const { alpha, gamma } = diagonalize(dyn);
  expectClose(d.alpha, alpha, 1e-9, 'alpha');
  expectClose(d.gamma, gamma, 1e-9, 'gamma');
  const index = numbers(d.index);
  const h = impulseResponse(dyn, (index.at(-1) as number) + 1);
  expectClose(
    d.coupled,
    index.map((t) => -(h[t] as number)),
    1e-9,
    'coupled h',
  );
  // The diagonal form, −h(t) = Σ α_i γ_iᵗ, written out here.
  expectClose(
    d.diagonal,
    index.map((t) => alpha.reduce((a, ai, i) => a + ai * (gamma[i] as number) ** t, 0)),
    1e-9,
    'diagonal h',
  );
  expectClose(d.diagonal, d.coupled, 1e-6, 'coupled = diagonal');
}

test('linear-optimizers: every optimizer and every setting, checked against the library', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const { problems } = watch(page);
  await page.goto('linear-optimizers');
  const figure = page.locator('[data-figure="linear-optimizers"]');
  await expect(figure.locator('svg').first()).toBeVisible();
  const select = figure.locator('[data-control="optimizer"]');
  const kinds = await select
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(kinds).toEqual(
    expect.arrayContaining([
      'momentum',
      'nesterov',
      'fastWeights',
      'bennaFusi',
      'aggmo',
      'qhm',
      'complexSynapse',
      'custom',
    ]),
  );
  for (const kind of kinds.filter((k) => k !== 'custom')) {
    const before = await drawing(figure);
    const current = await select.inputValue();
    await select.selectOption(kind);
    if (kind !== current) {
      await expect
        .poll(() => drawing(figure), { message: `choosing ${kind} redraws` })
        .not.toBe(before);
    }
    checkConverter(await figureData(figure));
    const sliders = figure.locator('input[type="range"][data-control]');
    for (let i = 0; i < (await sliders.count()); i++) {
      const control = sliders.nth(i);
      const name = await control.getAttribute('data-control');
      expect(
        await control.evaluate((el) => ((el as HTMLInputElement).labels?.length ?? 0) > 0),
      ).toBe(true);
      const drawn = await drawing(figure);
      const caption = await figure.locator('figcaption').textContent();
      await nudge(page, control);
      await expect
        .poll(() => drawing(figure), { message: `${kind}: ${name} redraws` })
        .not.toBe(drawn);
      expect(await figure.locator('figcaption').textContent(), `${kind}: ${name} caption`).not.toBe(
        caption,
      );
      checkConverter(await figureData(figure));
    }
  }
  // Your own T, b, c: a valid one, then one with complex eigenvalues (an error shown as text).
  await select.selectOption('custom');
  await figure.locator('[data-control="T"]').fill('1, -0.05; 0, 0.5');
  await figure.locator('[data-control="b"]').fill('-0.1, 1');
  await figure.locator('[data-control="c"]').fill('1, 0');
  await expect(figure.locator('figcaption')).toContainText('Your T, b, c');
  checkConverter(await figureData(figure));
  expect((await figureData(figure)).gamma).toEqual([1, 0.5]);
  await figure.locator('[data-control="T"]').fill('0.5, -0.5; 0.5, 0.5');
  await expect(figure.locator('figcaption')).toContainText('complex eigenvalues');
  await figure.locator('[data-control="T"]').fill('1, x');
  await expect(figure.locator('figcaption')).toContainText("'x' is not a number");
  expect(problems).toEqual([]);
});
