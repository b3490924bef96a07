/**
 * multiscale-optimizer: optimizers whose every weight is a sum of parts that learn and forget at
 * different timescales, on TensorFlow.js.
 *
 * Pure math (float64, no tfjs) lives in `dynamics/`; `tf.Optimizer`s live in `optimizers/`.
 * @packageDocumentation
 */

export {
  type BackendChoice,
  type BackendName,
  type BestBackendOptions,
  provideNodeWebGPU,
  useBestBackend,
} from './backend.js';
export { type AggmoOptions, aggmoDynamics } from './dynamics/aggmo.js';
export { type BennaFusiOptions, bennaFusiDynamics } from './dynamics/benna-fusi.js';
export {
  type BeakerInit,
  type ComplexSynapseOptions,
  complexSynapseDynamics,
} from './dynamics/complex-synapse.js';
export {
  BASIS_CONDITION_LIMIT,
  type Diagonalization,
  diagonalize,
} from './dynamics/diagonalize.js';
export { type FastWeightOptions, fastWeightDynamics } from './dynamics/fast-weights.js';
export { impulseResponse } from './dynamics/impulse-response.js';
export { type LearningRateSpread, spreadLearningRate } from './dynamics/learning-rate-spread.js';
export {
  checkStable,
  type LinearDynamics,
  pivotIndex,
  restingState,
} from './dynamics/linear-dynamics.js';
export { type MomentumOptions, momentumDynamics } from './dynamics/momentum.js';
export {
  checkFloat32Retention,
  FLOAT32_RETENTION_LIMIT,
  type MultiscaleOptions,
  multiscaleDynamics,
} from './dynamics/multiscale.js';
export {
  type DriftPrior,
  driftSpectrum,
  type PowerLawOptions,
  powerLaw,
  timescaleRetention,
} from './dynamics/power-law-prior.js';
export { type QhmOptions, qhmDynamics } from './dynamics/qhm.js';
export { simulate, type Trajectory } from './dynamics/simulate.js';
export {
  hasMultiscaleStepKernel,
  MULTISCALE_STEP,
  type MultiscaleStepArgs,
  type MultiscaleStepConstants,
  type MultiscaleStepInputs,
  type MultiscaleStepKernelFunc,
  registerMultiscaleStepKernel,
} from './kernels/multiscale-step-kernel.js';
export {
  hasTridiagonalStepKernel,
  registerTridiagonalStepKernel,
  TRIDIAGONAL_STEP,
  type TridiagonalStepArgs,
  type TridiagonalStepAttrs,
} from './kernels/tridiagonal-step-kernel.js';
export { registerWebGPUKernels } from './kernels/webgpu/index.js';
export {
  type BayesianMultiscaleConfig,
  BayesianMultiscaleOptimizer,
  bayesianMultiscale,
  type CurvatureContext,
  type CurvatureEstimate,
  type CurvatureFunction,
  gaussNewtonCurvature,
  type Innovation,
} from './optimizers/bayesian-multiscale.js';
export {
  bennaFusi,
  type CoupledForm,
  type DiagonalForm,
  type Form,
  type FormOption,
  fastWeights,
  linearDynamicsOptimizer,
  momentum,
  multiscale,
} from './optimizers/factories.js';
export { LinearDynamicsOptimizer } from './optimizers/linear-dynamics-optimizer.js';
export { convertForeignSlot, type ForeignSlot } from './optimizers/migration.js';
export { type MultiscaleConfig, MultiscaleOptimizer } from './optimizers/multiscale-optimizer.js';
export { aggmo, complexSynapse, qhm } from './optimizers/published-optimizers.js';
export {
  configWithRecipe,
  type Recipe,
  recipeOf,
  registerRecipe,
  restoreFromConfig,
  withRecipe,
} from './optimizers/recipe.js';
export {
  type NamedTensor,
  SlotOptimizer,
  type SlotUpdate,
  type TrainedWeight,
} from './optimizers/slot-optimizer.js';
