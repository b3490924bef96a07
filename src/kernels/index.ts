/**
 * Fused `MultiscaleStep` kernels per backend. `registerBuiltinKernels` (called when the optimizers
 * are imported) registers them; any other backend runs the generic tfjs-ops path.
 */
import { registerCpuKernels } from './cpu.js';
import { registerWasmKernels } from './wasm.js';
import { registerWebGLKernels } from './webgl.js';
import { registerWebGPUKernels } from './webgpu/index.js';

let registered = false;

/**
 * Registers the library's fused kernels for cpu, wasm, webgl and webgpu (once; later calls do
 * nothing). Kernels are looked up by backend name at call time, so registering one for a backend
 * that is never loaded costs nothing.
 */
export function registerBuiltinKernels(): void {
  if (registered) return;
  registered = true;
  registerCpuKernels();
  registerWasmKernels();
  registerWebGLKernels();
  registerWebGPUKernels();
}

export {
  hasMultiscaleStepKernel,
  MULTISCALE_STEP,
  type MultiscaleStepArgs,
  type MultiscaleStepConstants,
  type MultiscaleStepInputs,
  type MultiscaleStepKernelFunc,
  registerMultiscaleStepKernel,
  runMultiscaleStepKernel,
} from './multiscale-step-kernel.js';
