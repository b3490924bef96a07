import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BayesianMultiscaleOptimizer,
  bayesianMultiscale,
  type CurvatureFunction,
  gaussNewtonCurvature,
} from '../src/index.js';
import { BACKENDS, maxAbs, maxAbsDiff, normals, useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/expect-close.js';
import { reloadWithOptimizer } from './helpers/round-trip.js';

/** Online regression data: y_t = x_t·θ_t + noise, θ drifting as a sum of AR(1) components. */
function driftData(seed: number, steps: number, d: number, gamma: number[], sigma: number) {
  const z = normals(seed, steps * (2 * d + 1 + gamma.length * d));
  let at = 0;
  const next = () => z[at++] as number;
  const parts = gamma.map(() => Array.from({ length: d }, () => next()));
  const x: number[][] = [];
  const y: number[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = Array.from({ length: d }, () => next());
    let yt = sigma * next();
    for (let j = 0; j < d; j++) {
      let theta = 0;
      for (const part of parts) theta += part[j] as number;
      yt += (xt[j] as number) * theta;
    }
    x.push(xt);
    y.push(yt);
    parts.forEach((part, i) => {
      const g = gamma[i] as number;
      for (let j = 0; j < d; j++) part[j] = g * (part[j] as number) + Math.sqrt(1 - g * g) * next();
    });
  }
  return { x, y };
}

/** Steps `opt` on L = ½(y − x·w)² for each observation; returns w after every step. */
function runLinear(
  opt: tf.Optimizer,
  w: tf.Variable,
  data: { x: number[][]; y: number[] },
  current: { x: number[] },
): Float32Array[] {
  const out: Float32Array[] = [];
  data.x.forEach((xt, t) => {
    current.x = xt;
    const x = tf.tensor1d(xt);
    opt.minimize(
      () => tf.mul(0.5, tf.square(tf.sub(data.y[t] as number, tf.sum(tf.mul(x, w))))) as tf.Scalar,
      false,
      [w],
    );
    x.dispose();
    out.push(w.dataSync().slice() as Float32Array);
  });
  return out;
}

for (const backend of process.env.ONLY_BACKEND ? [process.env.ONLY_BACKEND] : BACKENDS) {
  describe(`bayesianMultiscale on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('one timescale, one weight: equals the scalar Kalman filter (float64) to 1e-5', () => {
      const gamma = 0.98;
      const p = 2;
      const sigma2 = 0.5;
      const steps = 300;
      const data = driftData(1, steps, 1, [gamma], Math.sqrt(sigma2));
      // Float64 scalar Kalman filter for θ(t+1) = γθ(t) + ε, ε ~ N(0, p(1−γ²)), y = xθ + e.
      let m = 0.7;
      let P = p;
      const expected: number[] = [];
      const expectedP: number[] = [];
      data.x.forEach((xt, t) => {
        const x = xt[0] as number;
        const K = (P * x) / (x * x * P + sigma2);
        m += K * ((data.y[t] as number) - x * m);
        P -= K * x * P;
        m *= gamma;
        P = gamma * gamma * P + p * (1 - gamma * gamma);
        expected.push(m);
        expectedP.push(P);
      });
      for (const innovation of ['shared', 'perWeight'] as const) {
        const current = { x: [0] };
        const curvature: CurvatureFunction = () => (current.x[0] as number) ** 2;
        const opt = bayesianMultiscale({
          gamma: [gamma],
          priorVariance: p,
          observationNoise: sigma2,
          curvature,
          innovation,
        });
        const w = tf.variable(tf.tensor1d([0.7]));
        const trajectory = runLinear(opt, w, data, current);
        expectClose(
          trajectory.map((v) => v[0] as number),
          expected,
          1e-5,
          1e-3,
        );
        const variances = opt.variances(w);
        expectClose(variances.dataSync(), [expectedP[steps - 1] as number], 1e-5, 1e-3);
        // The filter moved: the comparison is not between two constants.
        expect(Math.abs((expected[steps - 1] as number) - 0.7)).toBeGreaterThan(0.1);
        tf.dispose([variances, w]);
        opt.dispose();
      }
    });

    it('perWeight: each weight with its own observation is its own scalar Kalman filter', () => {
      const gamma = [0.9, 0.99];
      const steps = 200;
      const d = 4;
      const sigma2 = 0.3;
      const data = driftData(2, steps, d, gamma, Math.sqrt(sigma2));
      // y_j = x_j θ_j + e_j for each j separately: L = Σ_j ½(y_j − x_j w_j)², a diagonal Hessian.
      const ys = data.x.map((xt, t) => xt.map((xj) => xj * (data.y[t] as number)));
      const mu = Array.from({ length: d }, () => [0, 0.5]);
      const v = Array.from({ length: d }, () => [1, 1]);
      const expected: number[][] = [];
      data.x.forEach((xt, t) => {
        expected.push(
          xt.map((x, j) => {
            const m = mu[j] as number[];
            const vj = v[j] as number[];
            const y = (ys[t] as number[])[j] as number;
            const s = sigma2 + x * x * (vj[0] as number) + x * x * (vj[1] as number);
            const r = y - x * ((m[0] as number) + (m[1] as number));
            for (let i = 0; i < 2; i++) {
              const K = ((vj[i] as number) * x) / s;
              m[i] = (gamma[i] as number) * ((m[i] as number) + K * r);
              vj[i] =
                (gamma[i] as number) ** 2 * ((vj[i] as number) - K * K * s) +
                1 -
                (gamma[i] as number) ** 2;
            }
            return (m[0] as number) + (m[1] as number);
          }),
        );
      });
      const current = { x: [0] };
      const opt = bayesianMultiscale({
        gamma,
        priorVariance: 1,
        observationNoise: sigma2,
        curvature: () => tf.square(tf.tensor1d(current.x)),
        innovation: 'perWeight',
      });
      const w = tf.variable(tf.fill([d], 0.5));
      const trajectory: Float32Array[] = [];
      data.x.forEach((xt, t) => {
        current.x = xt;
        const x = tf.tensor1d(xt);
        const y = tf.tensor1d(ys[t] as number[]);
        opt.minimize(
          () => tf.mul(0.5, tf.sum(tf.square(tf.sub(y, tf.mul(x, w))))) as tf.Scalar,
          false,
          [w],
        );
        tf.dispose([x, y]);
        trajectory.push(w.dataSync().slice() as Float32Array);
      });
      expectClose(
        trajectory.flatMap((a) => Array.from(a)),
        expected.flat(),
        1e-5,
        1e-3,
      );
      w.dispose();
      opt.dispose();
    });

    it('many timescales, exact curvature: equals the mean-field Kalman filter (float64) to 1e-4', () => {
      const timescales = [2, 20, 200, Number.POSITIVE_INFINITY];
      const gamma = timescales.map((tau) => Math.exp(-1 / tau));
      const p = [1, 0.5, 0.25, 0.1];
      const q = p.map((pi, i) => pi * (1 - (gamma[i] as number) ** 2));
      const k = gamma.length;
      const d = 3;
      const sigma2 = 0.2;
      const steps = 400;
      const data = driftData(3, steps, d, gamma.slice(0, 3), Math.sqrt(sigma2));
      const w0 = [0.5, -0.3, 0.2];
      // Float64 mean-field filter, written in Kalman form: each ω_ij enters y with coefficient
      // x_j; update with the diagonal prior, keep the diagonal of the posterior, then predict.
      const mu = Array.from({ length: k }, (_, i) => w0.map((w) => (i === k - 1 ? w : 0)));
      const v = Array.from({ length: k }, (_, i) => w0.map(() => p[i] as number));
      const expectedW: number[][] = [];
      data.x.forEach((x, t) => {
        let s = sigma2;
        let yhat = 0;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < d; j++) {
            s += (x[j] as number) ** 2 * (v[i]?.[j] as number);
            yhat += (x[j] as number) * (mu[i]?.[j] as number);
          }
        }
        const r = (data.y[t] as number) - yhat;
        for (let i = 0; i < k; i++) {
          const m = mu[i] as number[];
          const vi = v[i] as number[];
          const g = gamma[i] as number;
          for (let j = 0; j < d; j++) {
            const K = ((vi[j] as number) * (x[j] as number)) / s;
            m[j] = g * ((m[j] as number) + K * r);
            vi[j] = g * g * ((vi[j] as number) - K * K * s) + (q[i] as number);
          }
        }
        expectedW.push(w0.map((_, j) => mu.reduce((acc, m) => acc + (m[j] as number), 0)));
      });
      const current = { x: [0] };
      const opt = bayesianMultiscale({
        timescales,
        priorVariance: p,
        observationNoise: sigma2,
        curvature: ({ value }) => tf.reshape(tf.square(tf.tensor1d(current.x)), value.shape),
      });
      expect(opt.pivot).toBe(3);
      const w = tf.variable(tf.tensor1d(w0));
      const trajectory = runLinear(opt, w, data, current);
      expectClose(
        trajectory.flatMap((a) => Array.from(a)),
        expectedW.flat(),
        1e-4,
        1e-3,
      );
      const parts = opt.subweights(w);
      const variances = opt.variances(w);
      expectClose(parts.dataSync(), mu.flat(), 1e-4, 1e-3);
      expectClose(variances.dataSync(), v.flat(), 1e-4, 1e-3);
      tf.dispose([parts, variances, w]);
      opt.dispose();
    });

    it('gaussNewtonCurvature (g²/r² for one example) equals the exact curvature x²', () => {
      const gamma = [0.7, 0.99];
      const d = 3;
      const data = driftData(6, 150, d, gamma, 0.5);
      const config = { gamma, priorVariance: [0.5, 0.5], observationNoise: 0.25 };
      const current = { x: [0] };
      const exact = bayesianMultiscale({
        ...config,
        curvature: ({ value }) => tf.reshape(tf.square(tf.tensor1d(current.x)), value.shape),
      });
      const w1 = tf.variable(tf.zeros([d]));
      const expected = runLinear(exact, w1, data, current);
      let r2 = 0;
      const gn = bayesianMultiscale({ ...config, curvature: gaussNewtonCurvature(() => r2) });
      const w2 = tf.variable(tf.zeros([d]));
      const actual: Float32Array[] = [];
      data.x.forEach((xt, t) => {
        const x = tf.tensor1d(xt);
        const { value, grads } = gn.computeGradients(
          () =>
            tf.mul(0.5, tf.square(tf.sub(data.y[t] as number, tf.sum(tf.mul(x, w2))))) as tf.Scalar,
          [w2],
        );
        r2 = 2 * (value.dataSync()[0] as number);
        gn.applyGradients(grads);
        tf.dispose([x, value, grads]);
        actual.push(w2.dataSync().slice() as Float32Array);
      });
      expectClose(
        actual.flatMap((a) => Array.from(a)),
        expected.flatMap((a) => Array.from(a)),
        1e-4,
        1e-3,
      );
      tf.dispose([w1, w2]);
      exact.dispose();
      gn.dispose();
    });

    it("'fisher' and 'empiricalFisher' follow their float64 formulas", () => {
      const gamma = [0.5, 0.95];
      const p = [1, 1];
      const sigma2 = 0.5;
      const d = 3;
      const steps = 150;
      const data = driftData(4, steps, d, gamma, Math.sqrt(sigma2));
      for (const curvature of ['fisher', 'empiricalFisher'] as const) {
        for (const innovation of ['shared', 'perWeight'] as const) {
          const mu = [
            [0, 0, 0],
            [0, 0, 0],
          ];
          const v = [
            [1, 1, 1],
            [1, 1, 1],
          ];
          const expected: number[][] = [];
          for (let t = 0; t < steps; t++) {
            const x = data.x[t] as number[];
            const w = [0, 1, 2].map((j) => (mu[0]?.[j] as number) + (mu[1]?.[j] as number));
            const r = (data.y[t] as number) - x.reduce((a, xj, j) => a + xj * (w[j] as number), 0);
            const g = x.map((xj) => (-xj * r) / sigma2);
            const V = [0, 1, 2].map((j) => (v[0]?.[j] as number) + (v[1]?.[j] as number));
            const A = g.reduce((a, gj, j) => a + gj * gj * (V[j] as number), 0);
            const shared = curvature === 'fisher' ? (1 + Math.sqrt(1 + 4 * A)) / 2 : 1 + A;
            for (let j = 0; j < d; j++) {
              const gj = g[j] as number;
              const Vj = V[j] as number;
              let D: number;
              if (innovation === 'shared') D = shared;
              else if (curvature === 'fisher') D = (1 + Math.sqrt(1 + 4 * Vj * gj * gj)) / 2;
              else D = 1 + gj * gj * Vj;
              const h = curvature === 'fisher' ? (gj * gj) / D : gj * gj;
              for (let i = 0; i < 2; i++) {
                const m = mu[i] as number[];
                const vi = v[i] as number[];
                const gi = gamma[i] as number;
                const vij = vi[j] as number;
                m[j] = gi * ((m[j] as number) - (vij * gj) / D);
                vi[j] = gi * gi * (vij - (vij * vij * h) / D) + (p[i] as number) * (1 - gi * gi);
              }
            }
            expected.push([0, 1, 2].map((j) => (mu[0]?.[j] as number) + (mu[1]?.[j] as number)));
          }
          const opt = bayesianMultiscale({
            gamma,
            priorVariance: p,
            observationNoise: sigma2,
            curvature,
            innovation,
          });
          const w = tf.variable(tf.zeros([d]));
          const trajectory = runLinear(opt, w, data, { x: [] });
          expectClose(
            trajectory.flatMap((a) => Array.from(a)),
            expected.flat(),
            1e-4,
            1e-3,
          );
          w.dispose();
          opt.dispose();
        }
      }
    });

    it("perRow on a [replicas, d] weight equals one 'shared' optimizer per replica", () => {
      const replicas = 3;
      const d = 4;
      const steps = 60;
      const z = normals(9, steps * replicas * (d + 1));
      const config = {
        timescales: [1, 30, 1000],
        priorVariance: [0.5, 0.3, 0.2],
        observationNoise: 0.25,
      };
      for (const curvature of ['fisher', 'exact'] as const) {
        const xs = (t: number) =>
          Array.from(z.subarray(t * replicas * (d + 1), t * replicas * (d + 1) + replicas * d));
        const ys = (t: number) =>
          Array.from(
            z.subarray(t * replicas * (d + 1) + replicas * d, (t + 1) * replicas * (d + 1)),
          );
        let xNow = [0];
        const exact: CurvatureFunction = ({ value }) =>
          tf.reshape(tf.square(tf.tensor(xNow)), value.shape);
        const stacked = bayesianMultiscale({
          ...config,
          innovation: 'perRow',
          curvature: curvature === 'fisher' ? 'fisher' : exact,
        });
        const W = tf.variable(tf.zeros([replicas, d]));
        const single = Array.from({ length: replicas }, () => ({
          opt: bayesianMultiscale({
            ...config,
            curvature: curvature === 'fisher' ? 'fisher' : exact,
          }),
          w: tf.variable(tf.zeros([d])),
        }));
        for (let t = 0; t < steps; t++) {
          const x = tf.tensor2d(xs(t), [replicas, d]);
          const y = tf.tensor1d(ys(t));
          xNow = xs(t);
          stacked.minimize(
            () => tf.mul(0.5, tf.sum(tf.square(tf.sub(y, tf.sum(tf.mul(x, W), 1))))) as tf.Scalar,
            false,
            [W],
          );
          single.forEach(({ opt, w }, r) => {
            xNow = xs(t).slice(r * d, (r + 1) * d);
            const xr = tf.tensor1d(xNow);
            const yr = ys(t)[r] as number;
            opt.minimize(
              () => tf.mul(0.5, tf.square(tf.sub(yr, tf.sum(tf.mul(xr, w))))) as tf.Scalar,
              false,
              [w],
            );
            xr.dispose();
          });
          tf.dispose([x, y]);
        }
        const expected = single.flatMap(({ w }) => Array.from(w.dataSync()));
        expectClose(W.dataSync(), expected, 1e-5, 1e-3);
        expect(maxAbs(expected)).toBeGreaterThan(0.1);
        W.dispose();
        stacked.dispose();
        for (const { opt, w } of single) {
          opt.dispose();
          w.dispose();
        }
      }
    });

    describe('bad input gets a clear error', () => {
      const ok = { timescales: [1, 10], priorVariance: 1, observationNoise: 1 };
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['priorVariance 0', { ...ok, priorVariance: 0 }, /priorVariance = 0 .*> 0/],
        ['priorVariance < 0', { ...ok, priorVariance: [1, -2] }, /priorVariance\[1\] = -2/],
        ['priorVariance NaN', { ...ok, priorVariance: Number.NaN }, /priorVariance = NaN/],
        ['priorVariance length', { ...ok, priorVariance: [1, 2, 3] }, /one per timescale/],
        ['observationNoise 0', { ...ok, observationNoise: 0 }, /observationNoise = 0/],
        ['observationNoise < 0', { ...ok, observationNoise: -1 }, /observationNoise = -1/],
        ['timescale 0', { ...ok, timescales: [0, 10] }, /timescales\[0\] = 0 .*> 0/],
        ['timescale < 0', { ...ok, timescales: [1, -10] }, /timescales\[1\] = -10/],
        ['timescale NaN', { ...ok, timescales: [Number.NaN] }, /timescales\[0\] = NaN/],
        ['no timescales', { priorVariance: 1, observationNoise: 1 }, /exactly one/],
        ['both', { ...ok, gamma: [0.5, 0.9] }, /exactly one/],
        ['gamma > 1', { ...ok, timescales: undefined, gamma: [1.5] }, /gamma\[0\] = 1.5/],
        ['gamma 0', { ...ok, timescales: undefined, gamma: [0] }, /gamma\[0\] = 0/],
        ['curvature name', { ...ok, curvature: 'hessian' }, /curvature = "hessian"/],
        ['innovation', { ...ok, innovation: 'joint' }, /innovation = "joint".*'perRow'/],
      ];
      for (const [label, config, message] of cases) {
        it(label, () => {
          expect(() => bayesianMultiscale(config as never)).toThrow(message);
        });
      }

      for (const innovation of ['shared', 'perWeight'] as const) {
        for (const [label, h, message] of [
          ['negative', -0.5, /curvature\("[^"]+"\) = -0.5 .*finite and ≥ 0/],
          ['NaN', Number.NaN, /curvature\("[^"]+"\) = NaN .*finite and ≥ 0/],
          ['infinite', Number.POSITIVE_INFINITY, /finite and ≥ 0/],
        ] as const) {
          it(`a curvature function returning ${label} (${innovation}) throws on the first step, leaking nothing`, () => {
            const w = tf.variable(tf.ones([3]));
            const g = tf.onesLike(w);
            const before = tf.memory().numTensors;
            const opt = bayesianMultiscale({
              ...ok,
              innovation,
              curvature: ({ value }) => tf.add(tf.zerosLike(value), tf.tensor1d([1, h, 2])),
            });
            expect(() => opt.applyGradients({ [w.name]: g })).toThrow(message);
            expect(Array.from(w.dataSync())).toEqual([1, 1, 1]);
            opt.dispose();
            expect(tf.memory().numTensors).toBe(before);
            tf.dispose([w, g]);
          });

          it(`a curvature turning ${label} on a later step (${innovation}) makes that entry NaN, and only it`, () => {
            // Checked once per variable (reading it back every step would stall a GPU); later
            // bad entries are caught on the device and stay in their entry.
            const w = tf.variable(tf.ones([3]));
            let calls = 0;
            const opt = bayesianMultiscale({
              ...ok,
              innovation,
              curvature: ({ value }) =>
                tf.add(tf.zerosLike(value), tf.tensor1d([1, calls++ === 0 ? 1 : h, 2])),
            });
            const g = tf.onesLike(w);
            opt.applyGradients({ [w.name]: g });
            opt.applyGradients({ [w.name]: g });
            const v = opt.variances(w);
            const columns = v.arraySync() as number[][];
            v.dispose();
            for (const row of columns) {
              expect(Number.isNaN(row[1])).toBe(true);
              expect(Number.isFinite(row[0]) && Number.isFinite(row[2])).toBe(true);
            }
            opt.dispose();
            tf.dispose([w, g]);
          });
        }
      }

      it('a curvature of the wrong shape names the shapes', () => {
        const w = tf.variable(tf.ones([3]));
        const opt = bayesianMultiscale({ ...ok, curvature: () => tf.ones([4]) });
        expect(() => opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w])).toThrow(
          /shape = \[4\].*broadcast to \[3\]/,
        );
        opt.dispose();
        w.dispose();
      });
    });

    describe('save and resume', () => {
      function makeModel(seed: number): tf.Sequential {
        return tf.sequential({
          layers: [
            tf.layers.dense({
              inputShape: [5],
              units: 8,
              activation: 'tanh',
              kernelInitializer: tf.initializers.glorotNormal({ seed }),
            }),
            tf.layers.dense({
              units: 1,
              kernelInitializer: tf.initializers.glorotNormal({ seed }),
            }),
          ],
        });
      }
      const flat = (m: tf.LayersModel) =>
        m.getWeights().flatMap((w) => Array.from(w.dataSync() as Float32Array));
      let x: tf.Tensor2D;
      let y: tf.Tensor2D;
      beforeAll(() => {
        x = tf.tensor2d(Array.from(normals(21, 16 * 5)), [16, 5]);
        y = tf.tensor2d(Array.from(normals(22, 16)), [16, 1]);
      });
      afterAll(() => tf.dispose([x, y]));

      for (const innovation of ['shared', 'perWeight'] as const) {
        it(`${innovation}: 60 + save/load + 60 steps = 120 steps`, async () => {
          const make = () =>
            bayesianMultiscale({
              timescales: [3, 30, 300],
              priorVariance: [0.3, 0.2, 0.1],
              observationNoise: 2,
              innovation,
            });
          const trainEpochs = (m: tf.LayersModel, epochs: number) =>
            m.fit(x, y, { epochs, batchSize: 4, shuffle: false, verbose: 0 });
          const straight = makeModel(31);
          const resumed = makeModel(32);
          resumed.setWeights(straight.getWeights());
          const initial = flat(straight);
          straight.compile({ optimizer: make(), loss: 'meanSquaredError' });
          resumed.compile({ optimizer: make(), loss: 'meanSquaredError' });
          await trainEpochs(straight, 30);
          await trainEpochs(resumed, 15);
          const loaded = await reloadWithOptimizer(resumed);
          expect(loaded.optimizer).toBeInstanceOf(BayesianMultiscaleOptimizer);
          expect(loaded.optimizer.getConfig()).toEqual(resumed.optimizer.getConfig());
          expect(loaded.optimizer.iterations).toBe(60);
          await trainEpochs(loaded, 15);
          const expected = flat(straight);
          expectClose(flat(loaded), expected, 1e-5, 1e-3);
          expect(maxAbsDiff(expected, initial)).toBeGreaterThan(1e-2);
          for (const m of [straight, resumed, loaded]) {
            m.optimizer.dispose();
            m.dispose();
          }
        });
      }

      it('a config with a curvature function restores with a clear error until setCurvature', () => {
        const opt = bayesianMultiscale({
          timescales: [5],
          priorVariance: 1,
          observationNoise: 1,
          curvature: () => 1,
        });
        const config = opt.getConfig();
        expect(config.curvature).toBe('function');
        const restored = BayesianMultiscaleOptimizer.fromConfig(
          BayesianMultiscaleOptimizer,
          config,
        ) as BayesianMultiscaleOptimizer;
        const w = tf.variable(tf.ones([2]));
        const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
        expect(() => restored.minimize(loss, false, [w])).toThrow(/setCurvature/);
        restored.setCurvature(() => 2);
        restored.minimize(loss, false, [w]);
        expect(maxAbs(w.dataSync())).toBeLessThan(1);
        tf.dispose([w]);
        opt.dispose();
        restored.dispose();
      });
    });

    describe('memory', () => {
      it('no tensors leak between step 10 and step 500; dispose() frees every slot', () => {
        const before = tf.memory().numTensors;
        const a = tf.tidy(() => tf.variable(tf.ones([4, 3])));
        const b = tf.tidy(() => tf.variable(tf.ones([7])));
        const opts = [
          bayesianMultiscale({ timescales: [1, 10, 100], priorVariance: 1, observationNoise: 1 }),
          bayesianMultiscale({
            timescales: [1, 10],
            priorVariance: 1,
            observationNoise: 1,
            innovation: 'perWeight',
            curvature: 'empiricalFisher',
          }),
          bayesianMultiscale({
            timescales: [10],
            priorVariance: 1,
            observationNoise: 1,
            curvature: ({ value }) => tf.onesLike(value),
          }),
        ];
        const loss = () => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(b))) as tf.Scalar;
        let at10 = 0;
        for (let t = 1; t <= 500; t++) {
          for (const opt of opts) opt.minimize(loss, false, [a, b]);
          if (t === 10) at10 = tf.memory().numTensors;
        }
        expect(tf.memory().numTensors).toBe(at10);
        for (const opt of opts) opt.dispose();
        tf.dispose([a, b]);
        expect(tf.memory().numTensors).toBe(before);
      });

      it('keeps 2k−1 slot values per weight: 2 floats per weight per timescale, minus one', async () => {
        const w = tf.variable(tf.ones([5, 4]));
        for (const k of [1, 2, 5]) {
          const opt = bayesianMultiscale({
            timescales: Array.from({ length: k }, (_, i) => 10 ** i),
            priorVariance: 1,
            observationNoise: 1,
          });
          opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
          const weights = await opt.getWeights();
          const slotFloats = weights.slice(1).reduce((n, s) => n + s.tensor.size, 0);
          expect(weights.map((s) => s.name)).toEqual(['iter', `${w.name}/posterior`]);
          expect(slotFloats + w.size).toBe(2 * k * w.size);
          opt.dispose();
        }
        w.dispose();
      });

      it('state is keyed by variable name: training another variable in between changes nothing', () => {
        const config = { timescales: [2, 50], priorVariance: 1, observationNoise: 1 };
        const a1 = tf.variable(tf.tensor1d([1, -1]));
        const a2 = tf.variable(tf.tensor1d([1, -1]));
        const other = tf.variable(tf.tensor1d([3]));
        const o1 = bayesianMultiscale(config);
        const o2 = bayesianMultiscale(config);
        for (let t = 0; t < 20; t++) {
          o1.minimize(() => tf.sum(tf.square(tf.sub(a1, 0.5))) as tf.Scalar, false, [a1]);
          o2.minimize(() => tf.sum(tf.square(tf.sub(a2, 0.5))) as tf.Scalar, false, [a2]);
          o2.minimize(() => tf.sum(tf.square(other)) as tf.Scalar, false, [other]);
        }
        expect(maxAbsDiff(a1.dataSync(), a2.dataSync())).toBe(0);
        tf.dispose([a1, a2, other]);
        o1.dispose();
        o2.dispose();
      });
    });
  });
}
