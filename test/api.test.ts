// The API a tfjs user meets: option names and "did you mean" hints, type-checked flags, errors
// labelled with the function the user called, the float32 and gradient-ascent refusals, and the
// factories' overloads as a strict TypeScript consumer sees them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bennaFusi,
  bennaFusiDynamics,
  diagonalize,
  FLOAT32_RETENTION_LIMIT,
  fastWeights,
  linearDynamicsOptimizer,
  momentum,
  momentumDynamics,
  multiscale,
  spreadLearningRate,
} from '../src/index.js';
import { strictTypeErrors } from './helpers/strict-tsc.js';

const root = new URL('..', import.meta.url).pathname;
/** Calls with deliberately wrong arguments, as a JavaScript user could. */
const loose = (f: unknown) => f as (...args: unknown[]) => unknown;

describe('option names', () => {
  it.each([
    [
      'tfjs useNesterov',
      () => loose(momentum)({ learningRate: 0.1, momentum: 0.9, useNesterov: true }),
      /^momentum: unknown option "useNesterov"; did you mean "nesterov"\?/,
    ],
    [
      'learningRates/decays',
      () => loose(multiscale)({ learningRates: [0.1], decays: [1] }),
      /^multiscale: unknown option "learningRates"; did you mean "alpha"\?/,
    ],
    [
      'decays alone',
      () => loose(multiscale)({ alpha: [0.1], decays: [1] }),
      /^multiscale: unknown option "decays"; did you mean "gamma"\?/,
    ],
    [
      'old variables',
      () => loose(bennaFusi)({ learningRate: 0.1, variables: 4 }),
      /^bennaFusi: unknown option "variables"; did you mean "beakers"\?/,
    ],
    [
      'old fastDecay',
      () => loose(fastWeights)({ slowLearningRate: 0.1, fastLearningRate: 0.2, fastDecay: 0.9 }),
      /^fastWeights: unknown option "fastDecay"; did you mean "fastRetention"\?/,
    ],
    [
      'a typo',
      () => loose(momentum)({ learningRate: 0.1, momentun: 0.9 }),
      /did you mean "momentum"\?/,
    ],
    [
      'snake case',
      () => loose(momentum)({ learning_rate: 0.1, momentum: 0.9 }),
      /did you mean "learningRate"\?/,
    ],
    [
      'nothing close',
      () => loose(momentum)({ learningRate: 0.1, momentum: 0.9, zzz: 1 }),
      /^momentum: unknown option "zzz" The options are learningRate, momentum, nesterov, ema, form\.$/,
    ],
    [
      'dynamics constructors too',
      () => loose(momentumDynamics)({ learningRate: 0.1, momentum: 0.9, form: 'coupled' }),
      /^momentumDynamics: unknown option "form"/,
    ],
    [
      'positional tf.train-style call',
      () => loose(multiscale)([0.1, 0.01], [1, 0.9]),
      /^multiscale: options = \[0\.1,0\.01\] is not allowed; pass one object .*positional arguments/,
    ],
    [
      'both shapes at once',
      () => loose(multiscale)({ alpha: [0.1], gamma: [1], learningRate: 0.1 }),
      /either \{alpha, gamma\} or \{learningRate, timescales\}, not both/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('the right names still work, and every factory accepts its form option', () => {
    expect(momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true }).getClassName()).toBe(
      'MultiscaleOptimizer',
    );
    expect(bennaFusi({ learningRate: 0.1, beakers: 4, form: 'coupled' }).getClassName()).toBe(
      'LinearDynamicsOptimizer',
    );
    expect(
      fastWeights({ slowLearningRate: 0.1, fastLearningRate: 0.2, fastRetention: 0.9 }).gamma,
    ).toEqual([1, 0.9]);
  });
});

describe('flags are booleans', () => {
  it.each([
    ['yes', /^momentum: nesterov = "yes" is not allowed; it must be true or false\.$/],
    [1, /^momentum: nesterov = 1 is not allowed; it must be true or false\.$/],
    ['true', /nesterov = "true"/],
  ])('nesterov: %j is refused', (value, message) => {
    expect(() => loose(momentum)({ learningRate: 0.1, momentum: 0.9, nesterov: value })).toThrow(
      message,
    );
  });

  it('ema: 0 is refused too, not read as false', () => {
    expect(() => loose(momentum)({ learningRate: 0.1, momentum: 0.9, ema: 0 })).toThrow(
      /^momentum: ema = 0 is not allowed/,
    );
  });
});

describe('errors name the function the user called', () => {
  it.each([
    ['momentum', () => loose(momentum)({ learningRate: '0.1', momentum: 0.9 }), 'momentum'],
    [
      'momentum coupled',
      () => loose(momentum)({ learningRate: 0.1, momentum: 1.5, form: 'coupled' }),
      'momentum',
    ],
    ['bennaFusi', () => bennaFusi({ learningRate: -1, beakers: 3 }), 'bennaFusi'],
    [
      'fastWeights',
      () => fastWeights({ slowLearningRate: 0.1, fastLearningRate: 0.1, fastRetention: 2 }),
      'fastWeights',
    ],
    [
      'momentumDynamics',
      () => momentumDynamics({ learningRate: 0, momentum: 0.9 }),
      'momentumDynamics',
    ],
  ])('%s', (_, call, where) => {
    let message = '';
    try {
      call();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith(`${where}: `), message).toBe(true);
    if (!where.endsWith('Dynamics'))
      expect(message).not.toMatch(/\w+(Dynamics|Constants|System): /);
  });

  it('momentum: learningRate = "0.1" names the parameter, the value and what is allowed', () => {
    expect(() => loose(momentum)({ learningRate: '0.1', momentum: 0.9 })).toThrow(
      /^momentum: learningRate = "0\.1" is not allowed; it must be a finite number\.$/,
    );
  });
});

describe('refused: gradient ascent and timescales float32 cannot run', () => {
  it('Σα ≤ 0 is refused in the diagonal and the coupled optimizer, allowed in float64 math', () => {
    expect(() => multiscale({ alpha: [0.1, -0.2], gamma: [1, 0.5] })).toThrow(
      /^multiscale: sum\(alpha\) = -0\.1 is not allowed; the effective learning rate η = Σα_i must be > 0/,
    );
    expect(() => multiscale({ alpha: [0, 0], gamma: [1, 0.5] })).toThrow(/sum\(alpha\) = 0 /);
    expect(() =>
      fastWeights({ slowLearningRate: 0.1, fastLearningRate: -0.3, fastRetention: 0.5 }),
    ).toThrow(/^fastWeights: sum\(alpha\)/);
    // The same system, coupled: −c·b = Σα.
    const ascent = {
      transition: [
        [1, 0],
        [0, 0.5],
      ],
      input: [-0.1, 0.2],
      readout: [1, 1],
    };
    expect(() => linearDynamicsOptimizer(ascent)).toThrow(
      /^linearDynamicsOptimizer: −readout·input = -0\.1 is not allowed/,
    );
    expect(diagonalize(ascent).alpha.reduce((a, b) => a + b, 0)).toBeCloseTo(-0.1, 12);
  });

  it('a retention that float32 rounds to 1 is refused with its timescale; γ = 1 and the largest float32 retention below 1 are fine', () => {
    const gamma = 1 - FLOAT32_RETENTION_LIMIT / 2;
    expect(Math.fround(gamma)).toBe(1);
    expect(() => multiscale({ alpha: [0.1, 0.1], gamma: [1, gamma] })).toThrow(
      /^multiscale: gamma\[1\] = 0\.99999998\d* is not allowed; its timescale τ = −1\/ln γ ≈ 6\.71e\+7 steps is beyond float32's resolution/,
    );
    expect(() => multiscale({ learningRate: 0.1, timescales: [1e8, 10] })).toThrow(
      /gamma\[0\] = .*τ = −1\/ln γ ≈ 1\.00e\+8 steps/,
    );
    const largest = 1 - 2 ** -24; // the float32 just below 1
    expect(Math.fround(largest)).toBe(largest);
    expect(multiscale({ alpha: [0.1, 0.1], gamma: [1, largest] }).gamma[1]).toBe(largest);
  });

  it('bennaFusi takes the beakers float32 can decay (m ≤ 11) and says why not beyond', () => {
    for (const form of ['diagonal', 'coupled'] as const) {
      expect(bennaFusi({ learningRate: 0.1, beakers: 11, form }).getClassName()).toMatch(
        /Optimizer$/,
      );
      expect(() => bennaFusi({ learningRate: 0.1, beakers: 12, form })).toThrow(
        /^bennaFusi: beakers = 12 is not allowed; 1 of its 12 timescales lie beyond float32's resolution: the slowest, τ ≈ 7\.81e\+7 steps/,
      );
    }
    // Independent check of the boundary: the slowest mode's 1 − γ against 2⁻²⁵, in float64.
    const slowest = (m: number) =>
      Math.max(
        ...diagonalize(bennaFusiDynamics({ learningRate: 1, beakers: m })).gamma.filter(
          (g) => g < 1,
        ),
      );
    expect(1 - slowest(11)).toBeGreaterThan(2 ** -25);
    expect(1 - slowest(12)).toBeLessThan(2 ** -25);
    // Forty beakers: said, not silently 26 subweights.
    expect(() => bennaFusi({ learningRate: 0.1, beakers: 40 })).toThrow(
      /^bennaFusi: beakers = 40 is not allowed/,
    );
  });
});

describe('one learning rate spread over timescales', () => {
  it('α_i = η·s_i/Σs, γ_i = e^(−1/τ_i), slowest first', () => {
    const { alpha, gamma } = spreadLearningRate('multiscale', {
      learningRate: 0.3,
      timescales: [Number.POSITIVE_INFINITY, 100, 10],
      shares: [2, 1, 1],
    });
    expect(alpha).toEqual([0.15, 0.075, 0.075]);
    expect(gamma[0]).toBe(1);
    expect(gamma[1]).toBeCloseTo(Math.exp(-0.01), 15);
    expect(gamma[2]).toBeCloseTo(Math.exp(-0.1), 15);
    const opt = multiscale({ learningRate: 0.2, timescales: [Number.POSITIVE_INFINITY, 10] });
    expect(opt.alpha).toEqual([0.1, 0.1]);
  });

  it('refuses fast-first order, bad timescales and bad shares', () => {
    expect(() => multiscale({ learningRate: 0.1, timescales: [10, 100] })).toThrow(
      /^multiscale: timescales = \[10,100\] is not allowed; order them slowest first/,
    );
    expect(() => multiscale({ learningRate: 0.1, timescales: [0] })).toThrow(/timescales\[0\] = 0/);
    expect(() => multiscale({ learningRate: 0.1, timescales: [] })).toThrow(/timescales = \[\]/);
    expect(() => multiscale({ learningRate: 0.1, timescales: [10], shares: [-1] })).toThrow(
      /shares\[0\] = -1/,
    );
    expect(() => multiscale({ learningRate: -0.1, timescales: [10] })).toThrow(
      /learningRate = -0\.1/,
    );
  });
});

describe('types a strict TypeScript consumer sees', () => {
  const dir = join(root, 'build', `api-types-${process.pid}`);
  const source = (body: string) =>
    `import { bennaFusi, momentum, MultiscaleOptimizer, LinearDynamicsOptimizer } from '${join(root, 'src/index.js')}';\n${body}\n`;

  it('the default form is a MultiscaleOptimizer (alpha, gamma, subweights), coupled a LinearDynamicsOptimizer', () => {
    mkdirSync(dir, { recursive: true });
    try {
      const good = join(dir, 'good.ts');
      writeFileSync(
        good,
        source(`
const a: readonly number[] = bennaFusi({ learningRate: 0.1, beakers: 4 }).alpha;
const g: readonly number[] = momentum({ learningRate: 0.1, momentum: 0.9 }).gamma;
const d: MultiscaleOptimizer = momentum({ learningRate: 0.1, momentum: 0.9, form: 'diagonal' });
const c: LinearDynamicsOptimizer = bennaFusi({ learningRate: 0.1, beakers: 4, form: 'coupled' });
const form = Math.random() > 0.5 ? 'coupled' as const : 'diagonal' as const;
const either: MultiscaleOptimizer | LinearDynamicsOptimizer = momentum({ learningRate: 0.1, momentum: 0.9, form });
console.log(a, g, d, c, either);`),
      );
      const bad = join(dir, 'bad.ts');
      writeFileSync(
        bad,
        source(`momentum({ learningRate: 0.1, momentum: 0.9, form: 'coupled' }).alpha;`),
      );
      // One compiler run: the only diagnostic is the coupled form's missing alpha, in bad.ts.
      const errors = strictTypeErrors(good, bad)
        .trim()
        .split('\n')
        .filter((line) => /error TS/.test(line));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /bad\.ts.*TS2339: Property 'alpha' does not exist on type 'LinearDynamicsOptimizer'/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('useBestBackend as a browser app sees it', () => {
  /** Runs useBestBackend in a Node process that looks like a browser to the library (no process.versions.node at import). */
  function asBrowser(imports: string): { backend: string; skipped: string[] } {
    mkdirSync(join(root, 'build'), { recursive: true });
    const file = join(root, 'build', `browser-like-${process.pid}.mjs`);
    writeFileSync(
      file,
      `${imports}
const real = globalThis.process;
Object.defineProperty(globalThis, 'process', { value: { ...real, versions: {} }, configurable: true, writable: true });
const { useBestBackend } = await import(${JSON.stringify(join(root, 'src/backend.ts'))});
Object.defineProperty(globalThis, 'process', { value: real, configurable: true, writable: true });
console.log(JSON.stringify(await useBestBackend({ order: ['webgpu', 'wasm', 'cpu'], log: false })));
`,
    );
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        encoding: 'utf8',
      });
      return JSON.parse(out.trim().split('\n').pop() as string);
    } finally {
      rmSync(file, { force: true });
    }
  }

  it('a backend the app did not import is "not registered: import … before calling", not "not installed"', () => {
    const choice = asBrowser("import '@tensorflow/tfjs';");
    expect(choice.backend).toBe('cpu');
    expect(choice.skipped).toEqual([
      "webgpu: @tensorflow/tfjs-backend-webgpu is not registered: import '@tensorflow/tfjs-backend-webgpu' in your app before calling useBestBackend() (a bundler cannot add a package at run time)",
      "wasm: @tensorflow/tfjs-backend-wasm is not registered: import '@tensorflow/tfjs-backend-wasm' in your app before calling useBestBackend() (a bundler cannot add a package at run time)",
    ]);
  }, 60_000);

  it('an imported backend is used', () => {
    const choice = asBrowser("import '@tensorflow/tfjs';\nimport '@tensorflow/tfjs-backend-wasm';");
    expect(choice.backend).toBe('wasm');
  }, 60_000);
});

describe("the README's cost table", () => {
  it('quotes the 10⁶-parameter rows of bench/RESULTS.md and bench/RESULTS-GPU.md (not typed numbers)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const results = readFileSync(join(root, 'bench/RESULTS.md'), 'utf8');
    const section = (name: string) => results.slice(results.indexOf(`## ${name}`));
    const ms = (text: string, optimizer: string) => {
      const row = text.match(new RegExp(`\\| 10\\^6 \\| ${optimizer} \\| ([\\d.]+) \\|`));
      expect(row, optimizer).not.toBeNull();
      return Number((row as RegExpMatchArray)[1]);
    };
    const fitOverhead = (text: string) =>
      Number((text.match(/\(overhead (-?[\d.]+)%\)/) as RegExpMatchArray)[1]);
    /** The cells of the README table row whose first cell is `label` (the table may be padded). */
    const tableRow = (label: string) => {
      const row = readme
        .split('\n')
        .map((line) => line.split('|').map((c) => c.trim()))
        .find((cells) => cells[1] === label);
      expect(row, label).toBeDefined();
      return row as string[];
    };
    /** A number shown rounded (to 3 significant digits) agrees with the generated one. */
    const shows = (cell: string | undefined, exact: number) => {
      const shown = Number.parseFloat((cell as string).replace('−', '-'));
      expect(Math.abs(shown - exact), `${cell} vs ${exact}`).toBeLessThanOrEqual(
        0.005 * Math.abs(exact) + 1e-12,
      );
    };
    for (const [backend, label] of [
      ['cpu', 'cpu'],
      ['wasm', 'wasm'],
      ['webgl', 'webgl (SwiftShader)'],
    ] as const) {
      const text = section(backend);
      const cells = tableRow(label);
      shows(cells[2], ms(text, 'tf\\.train\\.momentum'));
      shows(cells[3], ms(text, 'multiscale k=2'));
      shows(cells[4], ms(text, 'multiscale k=4'));
      shows(cells[5], fitOverhead(text));
    }
    const gpu = readFileSync(join(root, 'bench/RESULTS-GPU.md'), 'utf8');
    const k2 = gpu.match(
      /^\| 1e\+6 \| 2 \| ([\d.]+) \|.*\| ([\d.]+) \| ([\d.]+) \| [\d.]+ \| [\d.]+ \|$/m,
    );
    expect(k2).not.toBeNull();
    const webgpu = tableRow('webgpu (NVIDIA H200)');
    const [, fused, tfjsMomentum, ratio] = k2 as RegExpMatchArray;
    shows(webgpu[2], Number(tfjsMomentum));
    shows(webgpu[3], Number(fused));
    expect(webgpu[3]).toContain(`(${ratio}×)`);
  });
});
