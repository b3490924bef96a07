import * as tf from '@tensorflow/tfjs-core';
import { registerWebGPUKernels } from './kernels/webgpu/index.js';

/** A tfjs backend `useBestBackend` can pick. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** What `useBestBackend` chose, and why. */
export interface BackendChoice {
  /** The backend now active in tfjs. */
  backend: BackendName;
  /** The WebGPU adapter (vendor and architecture), when the backend is webgpu. */
  adapter?: string;
  /** One line per backend tried before it, saying why it was not used. */
  skipped: string[];
}

/** Options of `useBestBackend`. */
export interface BestBackendOptions {
  /**
   * Backends to try, in order. Default: `['webgpu', 'wasm', 'cpu']` in Node and
   * `['webgpu', 'webgl', 'wasm', 'cpu']` in a browser.
   */
  order?: readonly BackendName[];
  /** Where the one-line report goes; `false` for none. Default: `console.log`. */
  log?: ((line: string) => void) | false;
}

const isNode =
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;

/**
 * Imports a module by a name bundlers must not follow: the Dawn binding and Node-only backends stay
 * out of browser bundles, and a missing optional package becomes a caught error, not a build error.
 */
function importOptional(name: string): Promise<Record<string, unknown>> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}

type GPUWithAdapter = { requestAdapter(options?: object): Promise<GPUAdapter | null> };

/**
 * Gives Node a `navigator.gpu` from the optional peer dependency `webgpu` (Dawn), unless one exists,
 * and the WebGPU globals (`GPUBufferUsage`, …). Returns why it could not, or null on success. On
 * Linux without a GPU device node it does not start Dawn (which would only print a native
 * "Couldn't load Vulkan" warning and find no adapter) and says so.
 * `useBestBackend` calls it; call it yourself only to import `@tensorflow/tfjs-backend-webgpu`
 * statically afterwards (that package registers its backend only if `navigator.gpu` exists when
 * it is first imported).
 */
export async function provideNodeWebGPU(): Promise<string | null> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu) return null;
  let dawn: Record<string, unknown>;
  try {
    dawn = await importOptional('webgpu');
  } catch (e) {
    return `the optional peer dependency "webgpu" (Dawn) is not installed (npm install webgpu) or did not load (${String(e).split('\n')[0]})`;
  }
  if (!(await linuxGpuDevice())) {
    return 'no GPU device (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg), so no WebGPU adapter; Dawn was not started';
  }
  const create = dawn.create as (flags: string[]) => unknown;
  Object.assign(globalThis, dawn.globals as object);
  const gpu = create([]);
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return null;
}

/** The adapter's vendor and architecture, or null when there is no WebGPU adapter. */
async function findAdapter(): Promise<string | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GPUWithAdapter } }).navigator?.gpu;
  if (!gpu) return null;
  const adapter = (await gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null)) as
    | (GPUAdapter & { info?: { vendor?: string; architecture?: string; description?: string } })
    | null;
  if (adapter === null) return null;
  const info = adapter.info;
  return (
    [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown'
  );
}

/**
 * In Node on Linux, whether the machine has a GPU device node (`/dev/dri/renderD*`, `/dev/nvidia*`,
 * or WSL's `/dev/dxg`). Without one, Dawn would only print a native "Couldn't load Vulkan" warning
 * to stderr before finding no adapter, so `useBestBackend` does not load it. Other platforms
 * (Metal, D3D12) return true and let Dawn look.
 */
async function linuxGpuDevice(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const fs = (await importOptional('node:fs')) as typeof import('node:fs');
  const list = (dir: string) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  return (
    list('/dev/dri').some((f) => f.startsWith('renderD')) ||
    list('/dev').some((f) => /^nvidia\d+$/.test(f) || f === 'dxg')
  );
}

/** The message for a backend whose package a browser app has not imported. */
function notImported(pkg: string): string {
  return `${pkg} is not registered: import '${pkg}' in your app before calling useBestBackend() (a bundler cannot add a package at run time)`;
}

/** Makes the named backend available to tfjs (imports its package), or says why it can't. */
async function prepare(
  name: BackendName,
): Promise<{ ok: true; adapter?: string } | { ok: false; why: string }> {
  if (name === 'webgpu') {
    if (!isNode && tf.findBackendFactory('webgpu') == null) {
      return { ok: false, why: notImported('@tensorflow/tfjs-backend-webgpu') };
    }
    if (isNode) {
      const why = await provideNodeWebGPU();
      if (why !== null) return { ok: false, why };
    }
    const adapter = await findAdapter();
    if (adapter === null) {
      return {
        ok: false,
        why: isNode
          ? 'Dawn found no WebGPU adapter (no GPU, or no Vulkan driver/loader)'
          : 'this browser offers no WebGPU adapter',
      };
    }
    try {
      if (tf.findBackendFactory('webgpu') == null) {
        const webgpu = await importOptional('@tensorflow/tfjs-backend-webgpu');
        // The package registers its backend only if navigator.gpu existed when first imported.
        if (tf.findBackendFactory('webgpu') == null) registerWebGPUBackend(webgpu);
      }
    } catch (e) {
      return {
        ok: false,
        why: `@tensorflow/tfjs-backend-webgpu did not load (${String(e).split('\n')[0]})`,
      };
    }
    registerWebGPUKernels();
    return { ok: true, adapter };
  }
  if (tf.findBackendFactory(name) != null) return { ok: true };
  const pkg = `@tensorflow/tfjs-backend-${name}`;
  if (!isNode) return { ok: false, why: notImported(pkg) };
  try {
    await importOptional(pkg);
  } catch (e) {
    return {
      ok: false,
      why: `${pkg} is not installed or did not load (${String(e).split('\n')[0]})`,
    };
  }
  return tf.findBackendFactory(name) != null
    ? { ok: true }
    : { ok: false, why: `${pkg} registered no "${name}" backend` };
}

/** Registers tfjs's WebGPU backend the way the package does, with the adapter's full limits. */
function registerWebGPUBackend(webgpu: Record<string, unknown>): void {
  const Backend = webgpu.WebGPUBackend as new (
    device: GPUDevice,
    info?: unknown,
  ) => tf.KernelBackend;
  tf.registerBackend(
    'webgpu',
    async () => {
      const gpu = (globalThis as unknown as { navigator: { gpu: GPUWithAdapter } }).navigator.gpu;
      const adapter = (await gpu.requestAdapter({
        powerPreference: 'high-performance',
      })) as GPUAdapter & {
        info?: unknown;
      };
      const l = adapter.limits;
      const device = await adapter.requestDevice({
        requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new Backend(device, adapter.info);
    },
    3,
  );
}

/**
 * Picks the fastest tfjs backend this machine can run, makes it active, and prints which one and
 * why: WebGPU when a GPU adapter exists (in Node through Dawn, the optional npm package `webgpu`),
 * otherwise wasm, otherwise cpu (in a browser, webgl comes before wasm). Every missing optional
 * package or driver is a reason to fall back, never an error; it throws only when no backend at all
 * initializes. Registers the library's fused WebGPU kernels when it picks webgpu.
 *
 * In a browser it imports nothing: a bundler cannot resolve a package name at run time, so the app
 * imports the backends it wants first (`import '@tensorflow/tfjs-backend-wasm'`; `webgl` and `cpu`
 * come with `@tensorflow/tfjs`), and a backend that was not imported is skipped with that advice.
 * In Node on Linux without a GPU device it does not load Dawn at all (no native Vulkan warning).
 * @example
 * const { backend } = await useBestBackend();
 * // Node without a GPU prints: "multiscale-optimizer: using wasm (webgpu: Dawn found no WebGPU adapter …)"
 */
export async function useBestBackend(options: BestBackendOptions = {}): Promise<BackendChoice> {
  const order =
    options.order ?? (isNode ? ['webgpu', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu']);
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const skipped: string[] = [];
  for (const name of order) {
    const ready = await prepare(name);
    if (!ready.ok) {
      skipped.push(`${name}: ${ready.why}`);
      continue;
    }
    let active = false;
    try {
      active = await tf.setBackend(name);
    } catch (e) {
      skipped.push(`${name}: failed to initialize (${String(e).split('\n')[0]})`);
      continue;
    }
    if (!active) {
      skipped.push(`${name}: failed to initialize`);
      continue;
    }
    await tf.ready();
    const choice: BackendChoice = { backend: name, skipped };
    if (ready.adapter !== undefined) choice.adapter = ready.adapter;
    if (log) {
      const on = choice.adapter ? ` on ${choice.adapter}` : '';
      const why = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
      log(`multiscale-optimizer: using the ${name} backend${on}${why}`);
    }
    return choice;
  }
  throw new Error(`useBestBackend: no tfjs backend initialized: ${skipped.join('; ')}`);
}
