/**
 * Fused `MultiscaleStep` kernels per backend. `registerBuiltinKernels` (called when the optimizers
 * are imported) registers them; backends without one (e.g. webgpu until it registers its own) run
 * the generic tfjs-ops path.
 */
import { registerCpuKernels } from './cpu.js';
import { registerWasmKernels } from './wasm.js';
import { registerWebGLKernels } from './webgl.js';

let registered = false;

/** Registers the library's fused kernels for cpu, wasm and webgl (once; later calls do nothing). */
export function registerBuiltinKernels(): void {
  if (registered) return;
  registered = true;
  registerCpuKernels();
  registerWasmKernels();
  registerWebGLKernels();
}

export {
  hasMultiscaleStepKernel,
  MULTISCALE_STEP,
  type MultiscaleStepArgs,
  type MultiscaleStepAttrs,
  type MultiscaleStepInputs,
  type MultiscaleStepKernelFunc,
  registerMultiscaleStepKernel,
  runMultiscaleStepKernel,
} from './multiscale-step-kernel.js';
