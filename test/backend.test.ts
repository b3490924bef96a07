import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { useBestBackend } from '../src/backend.js';

// This machine (and CI) has the optional `webgpu` package but no GPU: Dawn finds no adapter.
describe('useBestBackend in Node without a GPU', () => {
  const navigatorBefore = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  afterEach(() => {
    if (navigatorBefore) Object.defineProperty(globalThis, 'navigator', navigatorBefore);
    else Reflect.deleteProperty(globalThis, 'navigator');
  });

  it('falls back to wasm, and says why', async () => {
    const lines: string[] = [];
    const choice = await useBestBackend({ log: (l) => lines.push(l) });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.skipped.join('\n')).toMatch(/^webgpu: .*(no WebGPU adapter|"webgpu")/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/using the wasm backend \(webgpu: /);
  });

  it('falls back to cpu when wasm is not in the list', async () => {
    const choice = await useBestBackend({ order: ['webgpu', 'cpu'], log: false });
    expect(choice.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('treats an adapter request that fails as no adapter', async () => {
    const gpu = { requestAdapter: () => Promise.reject(new Error('driver crashed')) };
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    const choice = await useBestBackend({ order: ['webgpu', 'cpu'], log: false });
    expect(choice.backend).toBe('cpu');
    expect(choice.skipped[0]).toMatch(/no WebGPU adapter/);
  });

  it('throws a clear error when nothing in the list initializes', async () => {
    await expect(useBestBackend({ order: ['webgl'], log: false })).rejects.toThrow(
      /no tfjs backend initialized: webgl: /,
    );
  });

  it('works when the optional peer dependency `webgpu` is not installed', () => {
    // A fresh Node process whose module resolution fails for `webgpu`, as in a default install
    // (optional peers are not installed).
    const hook = `data:text/javascript,${encodeURIComponent(
      'export async function resolve(s, c, next) { if (s === "webgpu") { const e = new Error("Cannot find package \'webgpu\'"); e.code = "ERR_MODULE_NOT_FOUND"; throw e; } return next(s, c); }',
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(
      `import { register } from 'node:module'; register(${JSON.stringify(hook)});`,
    )}`;
    const code = `
      import '@tensorflow/tfjs';
      import { useBestBackend } from ${JSON.stringify(new URL('../src/backend.ts', import.meta.url).href)};
      const choice = await useBestBackend();
      console.log(JSON.stringify(choice));`;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', register, '--input-type=module', '-e', code],
      { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    const choice = JSON.parse(out[out.length - 1] as string);
    expect(choice.backend).toBe('wasm');
    expect(choice.skipped[0]).toMatch(
      /optional peer dependency "webgpu" \(Dawn\) is not installed \(npm install webgpu\)/,
    );
    expect(r.stdout).toMatch(/multiscale-optimizer: using the wasm backend/);
  });
});
