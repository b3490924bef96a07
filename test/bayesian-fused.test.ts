// The fused Bayesian multiscale step (cpu, wasm) against the generic tfjs-ops path and a float64
// mean-field Kalman filter, in weights and in state; NaN gradients; zero-size and scalar weights.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BayesianMultiscaleOptimizer, bayesianMultiscale } from '../src/index.js';
import {
  BAYESIAN_INNOVATION,
  BAYESIAN_STEP,
  hasBayesianKernels,
} from '../src/kernels/bayesian-step-kernel.js';
import { BACKENDS, normals, useBackend } from './helpers/backends.js';
import { type Case, Reference } from './helpers/bayesian-reference.js';
import { expectClose } from './helpers/expect-close.js';

/** Runs `steps` steps of one optimizer on seeded gradients; returns weights, subweights and variances. */
function run(c: Case, steps: number, seed: number) {
  const opt = bayesianMultiscale({
    gamma: c.gamma,
    priorVariance: c.p,
    observationNoise: c.sigma2,
    innovation: c.innovation,
    curvature:
      c.curvature === 'given'
        ? ({ value }) => tf.add(0.5, tf.square(tf.sin(tf.add(value, 1))))
        : c.curvature,
  });
  const w0 = c.shapes.map((s, i) =>
    Float32Array.from(
      normals(
        seed + i,
        s.reduce((a, b) => a * b, 1),
      ),
    ),
  );
  const vars = c.shapes.map((s, i) => tf.variable(tf.tensor(w0[i] as Float32Array, s)));
  const ref = new Reference(c, w0);
  for (let t = 0; t < steps; t++) {
    const grads = c.shapes.map((s, i) =>
      Float32Array.from(
        normals(
          1000 * seed + 10 * t + i,
          s.reduce((a, b) => a * b, 1),
        ),
        (x) => 0.7 * x,
      ),
    );
    // The curvature function above, in float64 on the float32 weights it will see.
    const curv =
      c.curvature === 'given'
        ? vars.map((v) => Float32Array.from(v.dataSync(), (x) => 0.5 + Math.sin(x + 1) ** 2))
        : null;
    ref.step(grads, curv);
    const map: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      map[v.name] = tf.tensor(grads[i] as Float32Array, c.shapes[i]);
    });
    opt.applyGradients(map);
    tf.dispose(Object.values(map));
  }
  const out = vars.map((v) => {
    const parts = opt.subweights(v);
    const variances = opt.variances(v);
    const r = {
      w: Array.from(v.dataSync()),
      parts: Array.from(parts.dataSync()),
      variances: Array.from(variances.dataSync()),
    };
    tf.dispose([parts, variances]);
    return r;
  });
  const expected = vars.map((_, w) => ({
    w: ref.weight(w),
    parts: (ref.mu[w] as Float64Array[]).flatMap((m) => Array.from(m)),
    variances: (ref.v[w] as Float64Array[]).flatMap((m) => Array.from(m)),
  }));
  opt.dispose();
  tf.dispose(vars);
  return { out, expected };
}

/** Runs `fn` with the Bayesian kernels of `backend` unregistered (the generic path). */
function generic<T>(backend: string, fn: () => T): T {
  const kernels = [BAYESIAN_STEP, BAYESIAN_INNOVATION].map((name) => tf.getKernel(name, backend));
  for (const k of kernels) if (k) tf.unregisterKernel(k.kernelName, backend);
  try {
    expect(hasBayesianKernels(backend)).toBe(false);
    return fn();
  } finally {
    for (const k of kernels) if (k) tf.registerKernel(k);
  }
}

const CASES: Case[] = [];
for (const curvature of ['fisher', 'empiricalFisher', 'given'] as const) {
  for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
    CASES.push({
      gamma: [0.5, 0.9, 0.999],
      p: [0.3, 0.2, 0.1],
      sigma2: 0.5,
      curvature,
      innovation,
      shapes: [[5, 7], [13], [2, 3, 2], []],
    });
  }
}
CASES.push({
  gamma: [0.95],
  p: [1],
  sigma2: 1,
  curvature: 'fisher',
  innovation: 'shared',
  shapes: [[9], [4, 4]],
});
CASES.push({
  gamma: [0.2, 0.6, 0.9, 0.99, 1],
  p: [0.5, 0.4, 0.3, 0.2, 0.1],
  sigma2: 2,
  curvature: 'fisher',
  innovation: 'shared',
  shapes: [[33, 3]],
});

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`fused Bayesian step on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('has both kernels', () => {
      expect(hasBayesianKernels(backend)).toBe(true);
    });

    for (const c of CASES) {
      it(`k = ${c.gamma.length}, ${c.curvature}, ${c.innovation}: fused = generic = float64 Kalman, weights and state`, () => {
        const fused = run(c, 12, 3);
        const ops = generic(backend, () => run(c, 12, 3));
        fused.expected.forEach((want, w) => {
          for (const [label, got] of [
            ['fused', fused.out[w]],
            ['generic', ops.out[w]],
          ] as const) {
            const g = got as (typeof fused.out)[number];
            expectClose(g.w, want.w, 1e-4, 1e-3, `${label} w[${w}]`);
            expectClose(g.parts, want.parts, 1e-4, 1e-3, `${label} subweights[${w}]`);
            expectClose(g.variances, want.variances, 1e-4, 1e-3, `${label} variances[${w}]`);
          }
        });
      });
    }

    for (const innovation of ['shared', 'perRow'] as const) {
      for (const path of ['fused', 'generic'] as const) {
        it(`${innovation}, ${path}: a NaN gradient entry stays in its entry (the others step as if it were 0)`, () => {
          const go = (gv: number[]) => {
            const opt = bayesianMultiscale({
              timescales: [3, 300],
              priorVariance: 1,
              observationNoise: 1,
              innovation,
            });
            const a = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
            const b = tf.variable(tf.tensor1d([0.5, -0.5]));
            const ga = tf.tensor2d(gv, [2, 3]);
            const gb = tf.tensor1d([0.3, 0.1]);
            opt.applyGradients({ [a.name]: ga, [b.name]: gb });
            const out = [...a.dataSync(), ...b.dataSync()];
            opt.dispose();
            tf.dispose([a, b, ga, gb]);
            return out;
          };
          const both = () => [
            go([0.1, Number.NaN, -0.2, 0.4, 0.5, -0.6]),
            go([0.1, 0, -0.2, 0.4, 0.5, -0.6]),
          ];
          const [withNaN, withZero] = path === 'fused' ? both() : generic(backend, both);
          expect(Number.isNaN(withNaN[1])).toBe(true);
          const others = (x: number[]) => x.filter((_, i) => i !== 1);
          expect(others(withNaN as number[]).every(Number.isFinite)).toBe(true);
          expectClose(
            others(withNaN as number[]),
            others(withZero as number[]),
            1e-6,
            1e-3,
            'other entries',
          );
        });
      }
    }

    for (const path of ['fused', 'generic'] as const) {
      it(`${path}: a zero-size variable steps with the others and changes nothing`, () => {
        for (const innovation of ['shared', 'perRow', 'perWeight'] as const) {
          for (const shape of [[0], [0, 3], [3, 0]]) {
            const go = (withEmpty: boolean) => {
              const opt = bayesianMultiscale({
                timescales: [3, 300],
                priorVariance: 1,
                observationNoise: 1,
                innovation,
              });
              const empty = tf.variable(tf.zeros(shape));
              const other = tf.variable(tf.tensor1d([0.5, -1]));
              const ge = tf.zeros(shape);
              const go = tf.tensor1d([0.3, -0.2]);
              const map: tf.NamedTensorMap = { [other.name]: go };
              if (withEmpty) map[empty.name] = ge;
              opt.applyGradients(map);
              opt.applyGradients(map);
              const out = { shape: empty.shape, w: Array.from(other.dataSync()) };
              opt.dispose();
              tf.dispose([empty, other, ge, go]);
              return out;
            };
            const both = () => [go(true), go(false)] as const;
            const [got, without] = path === 'fused' ? both() : generic(backend, both);
            expect(got.shape).toEqual(shape);
            expect(got.w).toEqual(without.w);
          }
        }
      });

      it(`${path}: a scalar variable equals the scalar Kalman filter`, () => {
        const go = () => {
          const opt: BayesianMultiscaleOptimizer = bayesianMultiscale({
            gamma: [0.9],
            priorVariance: 2,
            observationNoise: 0.5,
            curvature: 'empiricalFisher',
          });
          const empty = tf.variable(tf.zeros([0, 3]));
          const scalar = tf.variable(tf.scalar(1.5));
          const gs = tf.scalar(0.4);
          const ge = tf.zeros([0, 3]);
          opt.applyGradients({ [empty.name]: ge, [scalar.name]: gs });
          opt.applyGradients({ [empty.name]: ge, [scalar.name]: gs });
          const out = { shape: empty.shape, w: scalar.dataSync()[0] as number };
          opt.dispose();
          tf.dispose([empty, scalar, gs, ge]);
          return out;
        };
        const got = path === 'fused' ? go() : generic(backend, go);
        expect(got.shape).toEqual([0, 3]);
        // Float64: ĝ = g/σ², h = ĝ², D = 1 + hV, μ ← γ(μ − vĝ/D), v ← γ²(v − v²h/D) + p(1 − γ²).
        let mu = 1.5;
        let v = 2;
        for (let t = 0; t < 2; t++) {
          const gh = 0.4 / 0.5;
          const D = 1 + gh * gh * v;
          mu = 0.9 * (mu - (v * gh) / D);
          v = 0.81 * (v - (v * v * gh * gh) / D) + 2 * (1 - 0.81);
        }
        expect(Math.abs(got.w - mu)).toBeLessThanOrEqual(1e-5 * Math.abs(mu));
      });
    }
  });
}
