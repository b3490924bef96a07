// Probe: does headless Chromium offer a WebGPU adapter on this page, and which one?
interface AdapterWithInfo {
  info?: { vendor: string; architecture: string };
}

Object.assign(globalThis, {
  suite: {
    async adapter() {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) return { gpu: false };
      const adapter = (await gpu.requestAdapter()) as (GPUAdapter & AdapterWithInfo) | null;
      const info = adapter?.info;
      return { gpu: true, adapter: adapter ? `${info?.vendor} ${info?.architecture}` : null };
    },
  },
});
