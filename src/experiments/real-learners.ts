import * as tf from '@tensorflow/tfjs-core';
import { powerLaw } from '../dynamics/power-law-prior.js';
import {
  bayesianMultiscale,
  type CurvatureFunction,
  type Innovation,
} from '../optimizers/bayesian-multiscale.js';
import { bennaFusi, fastWeights, multiscale } from '../optimizers/factories.js';
import type { Hyperparameters } from './drift-learners.js';
import { powerLawMultiscale } from './power-law.js';

/** What a real-data learner's optimizer may need to know about the problem. */
export interface RealDataContext {
  /** Longest timescale worth remembering, in steps (sets the multiscale and Bayesian ranges). */
  horizon: number;
  /** The Bayesian optimizer's curvature: a function (exact for a linear model) or `'fisher'`. */
  curvature?: CurvatureFunction | 'fisher';
  /** The Bayesian optimizer's innovation (`'perRow'` when replicas are rows of one variable). */
  innovation?: Innovation;
}

/** One learner of the real-data experiments: a name, a tuning grid and an optimizer factory. */
export interface RealDataLearner {
  /** Name in the results tables. */
  name: string;
  /** True for SGD, momentum and Adam: the single-timescale baselines. */
  singleTimescale: boolean;
  /** Grid points (smaller when `quick`). */
  grid: Hyperparameters[];
  /** A fresh optimizer for one grid point. */
  make(hyper: Hyperparameters, context: RealDataContext): tf.Optimizer;
}

/** Grid values per hyperparameter, full and quick. */
export type GridSpec = Record<string, { full: number[]; quick: number[] }>;

/**
 * Every combination of the grid's values (the first key varies slowest).
 * @example
 * gridPoints({lr: {full: [0.1, 0.3], quick: [0.1]}, m: {full: [4], quick: [4]}}, false).length // 2
 */
export function gridPoints(spec: GridSpec, quick: boolean): Hyperparameters[] {
  let points: Record<string, number>[] = [{}];
  for (const [key, values] of Object.entries(spec)) {
    points = points.flatMap((p) =>
      (quick ? values.quick : values.full).map((v) => ({ ...p, [key]: v })),
    );
  }
  return points;
}

const n = (h: Hyperparameters, key: string) => h[key] as number;

/**
 * The seven learners both real-data experiments compare, each on its own grid: `tf.train.sgd`,
 * `tf.train.momentum`, `tf.train.adam`, `fastWeights`, `bennaFusi`, a power-law `multiscale`
 * (`powerLawMultiscale` with 6 subweights from 1 step to the horizon, scaled to Σα_i = η) and
 * `bayesianMultiscale` (a 1/f prior with 4 timescales from 1 step to the horizon, prior variance
 * `p` in total, observation noise `noise`).
 */
export function realDataLearners(
  grids: Record<string, GridSpec>,
  quick: boolean,
): RealDataLearner[] {
  const grid = (name: string) => gridPoints(grids[name] ?? {}, quick);
  return [
    {
      name: 'tf.train.sgd',
      singleTimescale: true,
      grid: grid('sgd'),
      make: (h) => tf.train.sgd(n(h, 'lr')),
    },
    {
      name: 'tf.train.momentum',
      singleTimescale: true,
      grid: grid('momentum'),
      make: (h) => tf.train.momentum(n(h, 'lr'), n(h, 'beta')),
    },
    {
      name: 'tf.train.adam',
      singleTimescale: true,
      grid: grid('adam'),
      make: (h) => tf.train.adam(n(h, 'lr')),
    },
    {
      name: 'fastWeights',
      singleTimescale: false,
      grid: grid('fastWeights'),
      make: (h) =>
        fastWeights({
          slowLearningRate: n(h, 'slow'),
          fastLearningRate: n(h, 'fast'),
          fastRetention: n(h, 'retention'),
        }),
    },
    {
      name: 'bennaFusi',
      singleTimescale: false,
      grid: grid('bennaFusi'),
      make: (h) => bennaFusi({ learningRate: n(h, 'lr'), beakers: n(h, 'm') }),
    },
    {
      name: 'multiscale (power law)',
      singleTimescale: false,
      grid: grid('multiscale'),
      make: (h, context) => {
        const { alpha, gamma } = powerLawMultiscale({
          exponent: n(h, 'exponent'),
          count: 6,
          fastest: 1,
          slowest: context.horizon,
        });
        const total = alpha.reduce((a, b) => a + b, 0);
        return multiscale({ alpha: alpha.map((a) => (a * n(h, 'lr')) / total), gamma });
      },
    },
    {
      name: 'bayesianMultiscale',
      singleTimescale: false,
      grid: grid('bayesian'),
      make: (h, context) => {
        const prior = powerLaw({ band: [1, context.horizon], count: 4, variance: n(h, 'p') });
        return bayesianMultiscale({
          timescales: prior.timescales,
          priorVariance: prior.priorVariance,
          observationNoise: n(h, 'noise'),
          curvature: context.curvature ?? 'fisher',
          innovation: context.innovation ?? 'shared',
        });
      },
    },
  ];
}
