/**
 * Experiments that turn the seed's claims into numbers: forgetting curves, Benna & Fusi's memory
 * lifetime, learning under 1/f drift, and task switching. Each is a pure, seeded function that
 * returns data; `charts.js` turns the data into Observable Plot figures, and `registry.js` wires
 * them to the CLI (`npm run experiments -- <name|all> [--seed S] [--quick]`).
 * @module
 */
export { driftChart, forgettingChart, lifetimeChart, taskSwitchingChart } from './charts.js';
export {
  autocorrelation,
  type Complex,
  closedLoopEigenvalues,
  closedLoopMatrix,
  convergenceRate,
  optimalMomentum,
  type RavineOptions,
  type RavinePath,
  ravinePath,
} from './closed-loop.js';
export * from './data/digits.js';
export * from './data/mnist.js';
export * from './data/series.js';
export {
  impulseResponseAt,
  type MeasuredSlope,
  measuredSlope,
  powerLawWindow,
  predictedExponent,
  type RatioChainOptions,
  ratioChainConstants,
  ratioChainDynamics,
  stateResponseAt,
} from './diffusion.js';
export * from './digits.js';
export {
  type DriftData,
  type DriftProblem,
  type DriftProblemOptions,
  derivedMultiscale,
  driftData,
  driftProblem,
  KalmanFilter,
} from './drift.js';
export {
  type DriftOptions,
  type DriftResult,
  type DriftRow,
  driftMse,
  runDrift,
} from './drift-benchmark.js';
export {
  type DriftLearner,
  type DriftModel,
  defaultDriftLearners,
  driftLearners,
  type Hyperparameters,
  kalmanLearner,
  optimizerLearner,
  registerDriftLearner,
} from './drift-learners.js';
export {
  type ForgettingOptions,
  type ForgettingRow,
  type ForgettingSummary,
  forgettingCurves,
  forgettingModels,
} from './forgetting.js';
export * from './inference.js';
export {
  beakersFor,
  closedFormSnr,
  type LifetimeOptions,
  type LifetimeResult,
  type LifetimeRow,
  type LifetimeScalingRow,
  type LifetimeSlope,
  lifetimeScaling,
  runLifetime,
  type SimulatedSnr,
  type SimulationOptions,
  type SnrCurve,
  type SnrSummary,
  type SynapseModel,
  simulateSnr,
  slowestTimescale,
  snrSummary,
  synapseModels,
  tunedRetention,
} from './lifetime.js';
export { type ExperimentName, experimentNames } from './names.js';
export { nnls } from './nnls.js';
export { type PowerLawOptions, powerLawMultiscale } from './power-law.js';
export { Random, subSeed } from './random.js';
export * from './real-data-reports.js';
export * from './real-learners.js';
export {
  type Experiment,
  type ExperimentReport,
  type ExperimentSettings,
  experiments,
  fmt,
  mergeReportMarkdown,
  reportMarkdown,
  type Table,
} from './registry.js';
export {
  interferenceSummary,
  runSavings,
  type SavingsCurvePoint,
  type SavingsLearnerResult,
  type SavingsOptions,
  type SavingsPhase,
  type SavingsResult,
  savingsRatio,
} from './savings.js';
export * from './series.js';
export { firstCrossing, logLogSlope, logSpace, mean, slope, std } from './stats.js';
export {
  runTaskSwitching,
  type SwitchingLearner,
  switchingLearners,
  type TaskSwitchingCurve,
  type TaskSwitchingOptions,
  type TaskSwitchingResult,
  type TaskSwitchingRow,
} from './task-switching.js';
