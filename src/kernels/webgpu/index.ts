/**
 * Fused kernels of the `webgpu` backend (tfjs-backend-webgpu). They need nothing from that package
 * at import time: the kernels receive the backend object and use its device and buffers, so this
 * module is safe to import where WebGPU does not exist.
 */
import { registerBayesianKernels } from '../bayesian-step-kernel.js';
import { registerMultiscaleStepKernel } from '../multiscale-step-kernel.js';
import { registerTridiagonalStepKernel } from '../tridiagonal-step-kernel.js';
import { bayesianInnovationWebGPU, bayesianStepWebGPU } from './bayesian.js';
import { multiscaleStepWebGPU } from './multiscale-step.js';
import { tridiagonalStepWebGPU } from './tridiagonal.js';

/** Registers the library's fused WebGPU kernels for the `webgpu` backend (idempotent). */
export function registerWebGPUKernels(): void {
  registerMultiscaleStepKernel('webgpu', multiscaleStepWebGPU);
  registerTridiagonalStepKernel('webgpu', tridiagonalStepWebGPU);
  registerBayesianKernels('webgpu', bayesianStepWebGPU, bayesianInnovationWebGPU);
}
