/**
 * Compute passes with several outputs on tfjs's WebGPU backend.
 *
 * `backend.runWebGPUProgram` binds exactly one output buffer. An optimizer step has two outputs
 * (the new weight and the new slot), and splitting it into one program per output reads the slot
 * twice: at k = 4 that moves 13 instead of 9 floats per weight, a third of the bandwidth lost.
 * This module is the one place in the library that goes below the program interface and uses the
 * backend's own GPU buffers:
 *
 * - outputs are fresh tensors from `backend.makeTensorInfo` + `uploadToGPU` (the backend allocates
 *   and owns their buffers, so `dispose`, `data()` and later ops work as for any tensor);
 * - the dispatch is recorded into the backend's current command encoder and compute pass, in order
 *   with the programs tfjs records, and counts toward its submit batch;
 * - every buffer used is added to the backend's set of ids owned by the pending command buffer, so a
 *   tensor disposed before submission is not recycled under the dispatch;
 * - the parameter buffer comes from the backend's buffer manager and is released after submission,
 *   as tfjs does with its own uniforms.
 *
 * A pass may be several dispatches (`runDispatches`), each binding whole tensors or byte ranges of
 * them: one storage binding may cover at most `maxStorageBufferBindingSize` bytes (2 GiB on large
 * GPUs, 128 MiB on many others), so a step over a larger tensor binds it as several ranges of the
 * same `GPUBuffer` (see `split-step.ts`). Every pipeline has an explicit bind-group layout (outputs
 * `storage`, inputs `read-only-storage`, the parameters `uniform`), so a dispatch may declare a
 * binding its shader does not read.
 *
 * Those members are not part of tfjs's public typings; `WebGPUBackendInternals` names the ones used
 * (checked against @tensorflow/tfjs-backend-webgpu 4.22), and `checkInternals` fails with a clear
 * error if a future version renames them.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The members of tfjs's `WebGPUBackend` (4.22) this module uses. */
export interface WebGPUBackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: object): { resource?: unknown } };
  bufferManager: { acquireBuffer(size: number, usage: number): GPUBuffer };
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  uniformPendingDisposal: GPUBuffer[];
  dispatchCountInPass: number;
  activeTimers?: unknown;
}

/** Threads per workgroup of every kernel in this folder. */
export const WORKGROUP_SIZE = 256;

/**
 * At most this many workgroups per dispatch; larger arrays are covered by the grid-stride loop
 * (each thread walks the array in steps of the total thread count). 8192 × 256 = 2M threads keeps
 * every SM of a large GPU busy and stays far below the 65535-per-dimension limit.
 */
export const MAX_WORKGROUPS = 8192;

/** Floats per work item: a `vec4<f32>` when n is a multiple of 4, else one `f32`. */
export function lanes(n: number): 1 | 4 {
  return n % 4 === 0 ? 4 : 1;
}

/**
 * A uniform block for a grid-stride pass over `items` work items: `n` and `threads`, then two
 * 32-bit fields (index 2 and 3 of the returned view) and `rows` vec4 rows from index 4. Callers
 * fill the float view.
 */
export function stepParams(
  items: number,
  rows: number,
  backend: tf.KernelBackend,
): { buffer: ArrayBuffer; f: Float32Array } {
  const buffer = new ArrayBuffer(16 + 16 * rows);
  const u = new Uint32Array(buffer, 0, 2);
  u[0] = items;
  u[1] = workgroupsFor(items, backend) * WORKGROUP_SIZE;
  return { buffer, f: new Float32Array(buffer) };
}

/** One dispatch with several outputs. */
export interface DirectPass {
  /** Identifies `code` for the pipeline cache. */
  key: string;
  /**
   * WGSL with entry point `main`. Bindings: outputs first (0 …), then inputs, then the parameter
   * struct as `var<uniform>` at the last binding.
   */
  code: string;
  inputs: tf.TensorInfo[];
  /** Shapes of the float32 outputs. */
  outputShapes: number[][];
  /** Bytes of the uniform parameter struct (padded here to 16). */
  params: ArrayBuffer;
  /** Number of work items (threads needed without the grid-stride loop). */
  items: number;
}

/** Throws a clear error when the backend is not the tfjs WebGPU backend this module knows. */
export function checkInternals(backend: tf.KernelBackend): WebGPUBackendInternals {
  const b = backend as unknown as Partial<WebGPUBackendInternals>;
  const missing = [
    'device',
    'queue',
    'tensorMap',
    'bufferManager',
    'makeTensorInfo',
    'uploadToGPU',
    'ensureCommandEncoderReady',
    'endComputePassEncoder',
    'submitQueue',
    'commandQueueOwnedIds',
    'uniformPendingDisposal',
  ].filter((m) => (b as Record<string, unknown>)[m] == null);
  if (missing.length > 0) {
    throw new Error(
      `multiscale-optimizer: the webgpu backend lacks ${missing.join(', ')}; this tfjs version's ` +
        'WebGPU backend is not supported by the fused kernels (tested with 4.22).',
    );
  }
  return b as WebGPUBackendInternals;
}

/**
 * Workgroups to dispatch for `items` work items with the grid-stride loop: at most
 * `MAX_WORKGROUPS`, and never more than the device allows in one dimension
 * (`maxComputeWorkgroupsPerDimension`; pass the backend to respect it).
 */
export function workgroupsFor(items: number, backend?: tf.KernelBackend): number {
  const device = (backend as unknown as { device?: GPUDevice } | undefined)?.device;
  const limit = Math.min(
    MAX_WORKGROUPS,
    device?.limits.maxComputeWorkgroupsPerDimension ?? MAX_WORKGROUPS,
  );
  return Math.max(1, Math.min(Math.ceil(items / WORKGROUP_SIZE), limit));
}

/** The device limits that decide how a pass binds its tensors (read at every dispatch). */
export interface BindingLimits {
  /** `maxStorageBufferBindingSize`: the most bytes one storage binding may cover. */
  bindingBytes: number;
  /** `minStorageBufferOffsetAlignment`: a binding's byte offset is a multiple of this. */
  offsetAlignment: number;
  /** `maxStorageBuffersPerShaderStage`: storage bindings one shader may declare. */
  storageBindings: number;
  /** `maxBufferSize`: the largest buffer, so the largest tensor, the device can hold. */
  bufferBytes: number;
}

/** The backend device's `BindingLimits`. */
export function bindingLimits(backend: tf.KernelBackend): BindingLimits {
  const device = (backend as unknown as { device?: GPUDevice }).device;
  const limits = (device ?? checkInternals(backend).device).limits;
  return {
    bindingBytes: limits.maxStorageBufferBindingSize,
    offsetAlignment: limits.minStorageBufferOffsetAlignment,
    storageBindings: limits.maxStorageBuffersPerShaderStage,
    bufferBytes: limits.maxBufferSize,
  };
}

/** A storage binding of a dispatch: one of the pass's tensors, whole or a byte range of it. */
export interface TensorBinding {
  /** Index into the pass's tensors: its outputs first, then its inputs. */
  tensor: number;
  /**
   * Bytes bound: `offset` a multiple of `minStorageBufferOffsetAlignment`, `size` a multiple of 4
   * and at most `maxStorageBufferBindingSize`. Absent: the whole buffer.
   */
  range?: { offset: number; size: number };
}

/** One dispatch of a `MultiDispatchPass`. */
export interface Dispatch {
  /** Identifies `code` (and so its bindings' kinds) for the pipeline cache. */
  key: string;
  /** WGSL with entry point `main`: storage bindings 0 … m−1 as `bindings`, the uniform at m. */
  code: string;
  /** Storage bindings 0 … m−1 in order (outputs are `read_write`, inputs `read`). */
  bindings: TensorBinding[];
  /** Bytes of the uniform parameter struct (padded here to 16). */
  params: ArrayBuffer;
  /** Number of work items (threads needed without the grid-stride loop). */
  items: number;
}

/** Dispatches, recorded in order, that write fresh outputs from the same inputs. */
export interface MultiDispatchPass {
  inputs: tf.TensorInfo[];
  /** Shapes of the float32 outputs. */
  outputShapes: number[][];
  /**
   * In order: a dispatch sees what the earlier ones wrote (WebGPU orders dispatches in a pass and
   * makes their storage writes visible to later ones).
   */
  dispatches: Dispatch[];
}

interface Pipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const pipelines = new WeakMap<GPUDevice, Map<string, Pipeline>>();

/**
 * The pipeline of `code` (identified by `key`) with an explicit layout: `kinds()[i]` for binding i,
 * the uniform last. The kinds follow from the code, so `key` alone keys the cache.
 */
function pipelineFor(
  device: GPUDevice,
  key: string,
  code: string,
  kinds: () => GPUBufferBindingType[],
): Pipeline {
  let cache = pipelines.get(device);
  if (cache === undefined) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  let entry = cache.get(key);
  if (entry === undefined) {
    const layout = device.createBindGroupLayout({
      entries: [...kinds(), 'uniform' as const].map((type, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type },
      })),
    });
    const pipeline = device.createComputePipeline({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
    });
    entry = { pipeline, layout };
    cache.set(key, entry);
  }
  return entry;
}

function bufferOf(backend: WebGPUBackendInternals, info: tf.TensorInfo): GPUBuffer {
  backend.uploadToGPU(info.dataId);
  const resource = backend.tensorMap.get(info.dataId).resource;
  if (resource == null || (resource as GPUTexture).createView !== undefined) {
    throw new Error(
      'multiscale-optimizer: a fused webgpu kernel got a tensor that is not a buffer',
    );
  }
  return resource as GPUBuffer;
}

/**
 * Records the dispatches of `pass` on the tfjs WebGPU backend, in order, and returns the pass's
 * outputs as new float32 tensor infos (owned by the caller, like any kernel's outputs).
 */
export function runDispatches(backend: tf.KernelBackend, pass: MultiDispatchPass): tf.TensorInfo[] {
  const b = checkInternals(backend);
  const outputs = pass.outputShapes.map((shape) => b.makeTensorInfo(shape, 'float32'));
  const dispatches = pass.dispatches.filter((d) => d.items > 0);
  if (dispatches.length === 0) return outputs;
  const tensors = [...outputs, ...pass.inputs];
  const buffers = tensors.map((t) => bufferOf(b, t));
  for (const t of tensors) b.commandQueueOwnedIds.add(t.dataId);
  for (const d of dispatches) {
    const size = Math.ceil(d.params.byteLength / 16) * 16;
    const params = b.bufferManager.acquireBuffer(
      size,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    b.queue.writeBuffer(params, 0, d.params, 0, d.params.byteLength);
    b.uniformPendingDisposal.push(params);
    const kinds = () =>
      d.bindings.map(
        (x): GPUBufferBindingType => (x.tensor < outputs.length ? 'storage' : 'read-only-storage'),
      );
    const { pipeline, layout } = pipelineFor(b.device, d.key, d.code, kinds);
    const bindGroup = b.device.createBindGroup({
      layout,
      entries: [
        ...d.bindings.map(({ tensor, range }, binding) => ({
          binding,
          resource:
            range === undefined
              ? { buffer: buffers[tensor] as GPUBuffer }
              : { buffer: buffers[tensor] as GPUBuffer, offset: range.offset, size: range.size },
        })),
        { binding: d.bindings.length, resource: { buffer: params, size } },
      ],
    });
    b.ensureCommandEncoderReady();
    if (b.computePassEncoder == null) {
      b.computePassEncoder = (b.commandEncoder as GPUCommandEncoder).beginComputePass({});
    }
    b.computePassEncoder.setPipeline(pipeline);
    b.computePassEncoder.setBindGroup(0, bindGroup);
    b.computePassEncoder.dispatchWorkgroups(workgroupsFor(d.items, backend));
    b.dispatchCountInPass++;
    if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= b.dispatchCountInPass) {
      b.endComputePassEncoder();
      b.submitQueue();
    }
  }
  return outputs;
}

/**
 * Records one dispatch of `pass` on the tfjs WebGPU backend, every tensor bound whole, and returns
 * its outputs as new float32 tensor infos (owned by the caller, like any kernel's outputs). Throws
 * when a tensor exceeds the device's `maxStorageBufferBindingSize` (split such a pass over byte
 * ranges with `runDispatches`).
 */
export function runDirectPass(backend: tf.KernelBackend, pass: DirectPass): tf.TensorInfo[] {
  const { bindingBytes } = bindingLimits(backend);
  const shapes = [...pass.outputShapes, ...pass.inputs.map((t) => t.shape)];
  for (const shape of shapes) {
    const bytes = 4 * shape.reduce((a, x) => a * x, 1);
    if (bytes > bindingBytes) {
      throw new Error(
        `multiscale-optimizer: a tensor of shape [${shape.join(', ')}] (${bytes} bytes) exceeds ` +
          `this device's maxStorageBufferBindingSize (${bindingBytes} bytes) in ${pass.key}; ` +
          'bind it as byte ranges over several dispatches (runDispatches)',
      );
    }
  }
  const tensors = pass.outputShapes.length + pass.inputs.length;
  return runDispatches(backend, {
    inputs: pass.inputs,
    outputShapes: pass.outputShapes,
    dispatches: [
      {
        key: pass.key,
        code: pass.code,
        bindings: Array.from({ length: tensors }, (_, tensor) => ({ tensor })),
        params: pass.params,
        items: pass.items,
      },
    ],
  });
}
