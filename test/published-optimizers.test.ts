// aggmo, qhm and complexSynapse against float64 ports of their original projects' update code:
//   AtheMathmo/AggMo            src/aggmo.py            AggMo.step
//   facebookresearch/qhoptim    qhoptim/pyt/qhm.py      QHM.step (and test_qhoptim/pyt/test_qhm.py)
//   GMvandeVen/complex-synapses complex_synapses.py     ComplexSynapse.__init__ / .step
// Each port keeps the original's structure (per-β buffers, per-beaker dict), not this library's.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggmo,
  bennaFusiDynamics,
  complexSynapse,
  complexSynapseDynamics,
  impulseResponse,
  MultiscaleOptimizer,
  qhm,
} from '../src/index.js';
import { BACKENDS, maxAbs, maxAbsDiff, normals, useBackend } from './helpers/backends.js';
import { reloadWithOptimizer } from './helpers/round-trip.js';

type Port = { step(p: Float64Array, grad: Float64Array): void };

/** AggMo.step: for each β, buf ← β·buf + d_p; p ← p − (lr/K)·buf. */
function aggmoPort(lr: number, betas: number[], n: number): Port {
  const buffers = new Map(betas.map((beta) => [beta, new Float64Array(n)]));
  const totalMom = betas.length;
  return {
    step(p, grad) {
      for (const beta of betas) {
        const buf = buffers.get(beta) as Float64Array;
        for (let i = 0; i < n; i++) {
          buf[i] = beta * (buf[i] as number) + (grad[i] as number);
          p[i] = (p[i] as number) - (lr / totalMom) * (buf[i] as number);
        }
      }
    },
  };
}

/** QHM.step: buf ← β·buf + (1−β)·d_p; p ← p − lr·ν·buf; p ← p − lr·(1−ν)·d_p. */
function qhmPort(lr: number, momentum: number, nu: number, n: number): Port {
  const buf = new Float64Array(n);
  return {
    step(p, grad) {
      for (let i = 0; i < n; i++) {
        buf[i] = momentum * (buf[i] as number) + (1 - momentum) * (grad[i] as number);
        p[i] = (p[i] as number) - lr * nu * (buf[i] as number);
        p[i] = (p[i] as number) - lr * (1 - nu) * (grad[i] as number);
      }
    },
  };
}

/** ComplexSynapse: constants from __init__, state initialised on the first step, sequential sweep. */
function complexSynapsePort(
  lr: number,
  nBeakers: number,
  alpha: number,
  beta: number,
  init: 'same' | 'zero',
  n: number,
): Port {
  const x = nBeakers > 1 ? (beta / alpha) ** (1 / (2 * nBeakers - 2)) : beta;
  const C: Record<number, number> = {};
  const g: Record<string, number> = {};
  for (let id = 1; id <= nBeakers; id++) {
    C[id] = x ** (id - 1);
    g[`${id}_${id + 1}`] = nBeakers > 1 ? (1 / alpha) * x ** (1 - id) : 1 / beta;
  }
  let state: Record<string, Float64Array> | null = null;
  return {
    step(p, grad) {
      if (state === null) {
        state = {};
        for (let id = 2; id <= nBeakers; id++) {
          state[`u${id}`] = init === 'same' ? Float64Array.from(p) : new Float64Array(n);
        }
        state[`u${nBeakers + 1}`] = new Float64Array(n);
      }
      const s = state;
      const u2 = s.u2 as Float64Array;
      for (let i = 0; i < n; i++) {
        const change =
          -(grad[i] as number) + (g['1_2'] as number) * ((u2[i] as number) - (p[i] as number));
        p[i] = (p[i] as number) + (lr / (C[1] as number)) * change;
      }
      if (nBeakers > 1) {
        s.u1 = p;
        for (let id = 2; id <= nBeakers; id++) {
          const prev = s[`u${id - 1}`] as Float64Array;
          const here = s[`u${id}`] as Float64Array;
          const next = s[`u${id + 1}`] as Float64Array;
          for (let i = 0; i < n; i++) {
            const inflow =
              (g[`${id - 1}_${id}`] as number) * ((prev[i] as number) - (here[i] as number));
            const backflow =
              (g[`${id}_${id + 1}`] as number) * ((next[i] as number) - (here[i] as number));
            here[i] = (here[i] as number) + (lr / (C[id] as number)) * (inflow + backflow);
          }
        }
      }
    },
  };
}

const SHAPE = [3, 5];
const N = 15;
const STEPS = 300;

/** Runs `optimizer` and `port` on the same random gradients; returns the worst relative gap. */
function compare(optimizer: tf.Optimizer, port: Port, seed: number): number {
  const start = normals(seed, N);
  const w = tf.variable(tf.tensor(Array.from(start), SHAPE));
  const p = Float64Array.from(start);
  let worst = 0;
  for (let t = 0; t < STEPS; t++) {
    const grad = normals(seed * 1000 + t + 1, N);
    const g = tf.tensor(Array.from(grad), SHAPE);
    optimizer.applyGradients({ [w.name]: g });
    g.dispose();
    port.step(p, grad);
    if (t % 10 === 9 || t === STEPS - 1) {
      const got = w.dataSync();
      worst = Math.max(worst, maxAbsDiff(got, p) / Math.max(1e-3, maxAbs(p)));
    }
  }
  optimizer.dispose();
  w.dispose();
  return worst;
}

const CASES: Array<{
  name: string;
  make: (form: 'diagonal' | 'coupled') => tf.Optimizer;
  port: () => Port;
}> = [
  {
    name: 'aggmo default betas [0, 0.9, 0.99]',
    make: (form) =>
      form === 'coupled' ? aggmo({ learningRate: 0.01, form }) : aggmo({ learningRate: 0.01 }),
    port: () => aggmoPort(0.01, [0, 0.9, 0.99], N),
  },
  {
    name: 'aggmo betas [0.5, 0.95]',
    make: (form) =>
      form === 'coupled'
        ? aggmo({ learningRate: 0.05, betas: [0.5, 0.95], form })
        : aggmo({ learningRate: 0.05, betas: [0.5, 0.95] }),
    port: () => aggmoPort(0.05, [0.5, 0.95], N),
  },
  {
    name: 'qhm ν = 0.7, β = 0.999 (qhoptim README)',
    make: (form) =>
      form === 'coupled'
        ? qhm({ learningRate: 0.1, momentum: 0.999, nu: 0.7, form })
        : qhm({ learningRate: 0.1, momentum: 0.999, nu: 0.7 }),
    port: () => qhmPort(0.1, 0.999, 0.7, N),
  },
  {
    name: 'complexSynapse defaults (lr 0.1, 6 beakers, 1…1024, same)',
    make: (form) => (form === 'coupled' ? complexSynapse({ form }) : complexSynapse()),
    port: () => complexSynapsePort(0.1, 6, 1, 1024, 'same', N),
  },
  {
    name: "complexSynapse lr 0.5, 4 beakers, 2…500, init 'zero'",
    make: (form) => {
      const o = {
        learningRate: 0.5,
        beakers: 4,
        shortestTimescale: 2,
        longestTimescale: 500,
      } as const;
      return form === 'coupled'
        ? complexSynapse({ ...o, init: 'zero', form })
        : complexSynapse({ ...o, init: 'zero' });
    },
    port: () => complexSynapsePort(0.5, 4, 2, 500, 'zero', N),
  },
  {
    name: 'complexSynapse 1 beaker (SGD with decay 1/beta)',
    make: (form) =>
      form === 'coupled'
        ? complexSynapse({ learningRate: 0.2, beakers: 1, longestTimescale: 50, form })
        : complexSynapse({ learningRate: 0.2, beakers: 1, longestTimescale: 50 }),
    port: () => complexSynapsePort(0.2, 1, 1, 50, 'same', N),
  },
];

/** Linear regression as qhoptim's assert_optimizers_equal: y = x·coeffs + noise + 5. */
function regressionWeights(optimizer: tf.Optimizer, steps: number): Float32Array {
  const k = 4;
  const n = 16;
  const w = tf.variable(tf.tensor2d(Array.from(normals(7, k)), [k, 1]));
  const b = tf.variable(tf.zeros([1]));
  const coeffs = tf.tensor2d(Array.from(normals(8, k)), [k, 1]);
  for (let t = 0; t < steps; t++) {
    const x = tf.tensor2d(Array.from(normals(100 + t, n * k)), [n, k]);
    const noise = tf.tensor2d(Array.from(normals(5000 + t, n)), [n, 1]);
    const y = tf.tidy(() => tf.add(tf.add(tf.matMul(x, coeffs), noise), 5));
    optimizer.minimize(
      () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar,
      false,
      [w, b],
    );
    tf.dispose([x, noise, y]);
  }
  const out = new Float32Array([...w.dataSync(), ...b.dataSync()]);
  tf.dispose([w, b, coeffs]);
  optimizer.dispose();
  return out;
}

for (const backend of BACKENDS) {
  describe(`published linear optimizers on ${backend}`, () => {
    beforeAll(() => useBackend(backend));
    afterAll(() => tf.disposeVariables());

    for (const c of CASES) {
      for (const form of ['diagonal', 'coupled'] as const) {
        it(`${c.name}, ${form} form = float64 port of the original over ${STEPS} random-gradient steps`, () => {
          expect(compare(c.make(form), c.port(), 3)).toBeLessThan(1e-4);
        });
      }
    }

    // qhoptim's own equivalence tests (test_qhoptim/pyt/test_qhm.py), with tfjs's optimizers as
    // the reference: plain SGD, momentum (ν = 1, lr/(1−β)) and Nesterov (ν = β).
    const lr = 0.01;
    it('qhm(lr, β = 0, ν = 1) = tf.train.sgd(lr)', () => {
      const ref = regressionWeights(tf.train.sgd(lr), 300);
      const got = regressionWeights(qhm({ learningRate: lr, momentum: 0, nu: 1 }), 300);
      expect(maxAbsDiff(got, ref) / maxAbs(ref)).toBeLessThan(1e-4);
    });
    for (const form of ['diagonal', 'coupled'] as const) {
      it(`qhm(lr/(1−β), β, ν = 1) = tf.train.momentum(lr, β), ${form}`, () => {
        const ref = regressionWeights(tf.train.momentum(lr, 0.9), 300);
        const o = { learningRate: lr / (1 - 0.9), momentum: 0.9, nu: 1 };
        const got = regressionWeights(form === 'coupled' ? qhm({ ...o, form }) : qhm(o), 300);
        expect(maxAbsDiff(got, ref) / maxAbs(ref)).toBeLessThan(1e-4);
      });
      it(`qhm(lr/(1−β), β, ν = β) = tf.train.momentum(lr, β, nesterov), ${form}`, () => {
        const ref = regressionWeights(tf.train.momentum(lr, 0.9, true), 300);
        const o = { learningRate: lr / (1 - 0.9), momentum: 0.9, nu: 0.9 };
        const got = regressionWeights(form === 'coupled' ? qhm({ ...o, form }) : qhm(o), 300);
        expect(maxAbsDiff(got, ref) / maxAbs(ref)).toBeLessThan(1e-4);
      });
    }

    for (const [name, make] of [
      ['aggmo', () => aggmo({ learningRate: 0.02, betas: [0, 0.9] })],
      ['qhm coupled', () => qhm({ learningRate: 0.1, momentum: 0.9, nu: 0.7, form: 'coupled' })],
      ['complexSynapse', () => complexSynapse({ learningRate: 0.05, beakers: 4 })],
    ] as const) {
      it(`${name}: save → load → resume equals uninterrupted training`, async () => {
        const build = () => {
          const model = tf.sequential({
            layers: [
              tf.layers.dense({
                inputShape: [3],
                units: 2,
                kernelInitializer: tf.initializers.glorotNormal({ seed: 11 }),
              }),
            ],
          });
          model.compile({ optimizer: make(), loss: 'meanSquaredError' });
          return model;
        };
        const x = tf.tensor2d(Array.from(normals(21, 8 * 3)), [8, 3]);
        const y = tf.tensor2d(Array.from(normals(22, 8 * 2)), [8, 2]);
        const train = (m: tf.LayersModel, epochs: number) =>
          m.fit(x, y, { epochs, batchSize: 8, shuffle: false, verbose: 0 });
        const straight = build();
        const resumed = build();
        await train(straight, 40);
        await train(resumed, 20);
        const loaded = await reloadWithOptimizer(resumed);
        await train(loaded, 20);
        const flat = (m: tf.LayersModel) => m.getWeights().flatMap((t) => Array.from(t.dataSync()));
        expect(maxAbsDiff(flat(loaded), flat(straight))).toBeLessThan(1e-6);
        for (const m of [straight, resumed, loaded]) {
          m.optimizer.dispose();
          m.dispose();
        }
        tf.dispose([x, y]);
      });
    }
  });
}

describe('published linear optimizers: math and errors', () => {
  it('complexSynapse differs from bennaFusi (simultaneous update, same constants) by the documented amounts', () => {
    // Documented in src/dynamics/complex-synapse.ts: relative L2 gap of the impulse responses over
    // 2000 steps, 6 beakers, lr 0.1 / 0.25 / 0.5.
    const documented = { 0.1: 0.017, 0.25: 0.042, 0.5: 0.091 };
    for (const [lr, gap] of Object.entries(documented)) {
      const eta = Number(lr);
      const cs = complexSynapseDynamics({ learningRate: eta, init: 'zero' });
      const x = (1024 / 1) ** (1 / 10);
      const capacities = Array.from({ length: 6 }, (_, l) => x ** l);
      const couplings = Array.from({ length: 6 }, (_, l) => eta * x ** -l);
      const bf = bennaFusiDynamics({ learningRate: eta, beakers: 6, capacities, couplings });
      const a = impulseResponse(cs, 2000);
      const b = impulseResponse(bf, 2000);
      let num = 0;
      let den = 0;
      for (let t = 0; t < a.length; t++) {
        num += ((a[t] as number) - (b[t] as number)) ** 2;
        den += (a[t] as number) ** 2;
      }
      expect(Math.sqrt(num / den)).toBeCloseTo(gap, 3);
    }
  });

  it("configs keep the user's parameters (the recipe), and fromConfig rebuilds the same optimizer", () => {
    const options = { learningRate: 0.05, betas: [0.5, 0.95] };
    const made = aggmo(options);
    expect(made.getConfig().recipe).toEqual({ factory: 'aggmo', options });
    const copy = MultiscaleOptimizer.fromConfig(
      MultiscaleOptimizer,
      made.getConfig(),
    ) as MultiscaleOptimizer;
    expect(copy.alpha).toEqual(made.alpha);
    expect(copy.gamma).toEqual(made.gamma);
    expect(copy.initialShare).toEqual(made.initialShare);
    const cs = complexSynapse({ beakers: 3, form: 'coupled' });
    expect(cs.getConfig().recipe).toEqual({
      factory: 'complexSynapse',
      options: { beakers: 3, form: 'coupled' },
    });
  });

  it('unknown keys are refused with the name the original project uses mapped to ours', () => {
    expect(() => complexSynapse({ alpha: 1 } as never)).toThrow(
      /complexSynapse: unknown option "alpha"; did you mean "shortestTimescale"/,
    );
    expect(() => complexSynapse({ n_beakers: 4 } as never)).toThrow(/did you mean "beakers"/);
    expect(() => qhm({ lr: 1, momentum: 0.9, nu: 0.7 } as never)).toThrow(
      /qhm: unknown option "lr"; did you mean "learningRate"/,
    );
    expect(() => aggmo({ learningRate: 0.1, betas: [0.9], useNesterov: true } as never)).toThrow(
      /aggmo: unknown option "useNesterov"/,
    );
  });

  it('errors name the function, the parameter and what is allowed', () => {
    expect(() => aggmo({ learningRate: 0.1, betas: [0.9, 0.9] })).toThrow(
      /aggmo: betas\[1\] = 0.9/,
    );
    expect(() => aggmo({ learningRate: 0.1, betas: [1] })).toThrow(
      /aggmo: betas\[0\] = 1 .*\[0, 1\)/,
    );
    expect(() => qhm({ learningRate: -1, momentum: 0.9, nu: 0.7 })).toThrow(
      /qhm: learningRate = -1/,
    );
    expect(() => complexSynapse({ beakers: 0 })).toThrow(/complexSynapse: beakers = 0/);
    expect(() => complexSynapse({ init: 'random' as 'same' })).toThrow(
      /complexSynapse: init = "random"/,
    );
  });
});
