// `npm run bench:gpu`: builds .gpu/, the folder a lent GPU machine needs to run the WebGPU
// benchmark (bench/gpu/) in Node through Dawn, and prints the exact command. The device machine
// has no Node and no network, so .gpu/ carries everything (see ../shared/GPU.md):
//   node.xz           this machine's node binary, xz-compressed
//   node_modules/webgpu/   Dawn (index.js, package.json, dist/linux-x64/dawn.node.xz)
//   *.deb             the Vulkan/EGL/GL loaders (apt-get download, amd64)
//   bench.mjs         bench/gpu/bench.ts bundled with tfjs and the library (only `webgpu` external)
// Options:
//   --check   also run the benchmark here on small sizes: in headless Chromium on its SwiftShader
//             WebGPU adapter, and .gpu/bench.mjs through Dawn (which, without a GPU, must say so).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.gpu');
const dawnDir = join(out, 'node_modules', 'webgpu');
mkdirSync(join(dawnDir, 'dist', 'linux-x64'), { recursive: true });

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', ...opts });

// 1. Node, compressed.
const nodeXz = join(out, 'node.xz');
if (!existsSync(nodeXz) || statSync(nodeXz).mtimeMs < statSync(process.execPath).mtimeMs) {
  console.log(`bench:gpu: compressing ${process.execPath} (${process.version})`);
  writeFileSync(
    nodeXz,
    execFileSync('xz', ['-T2', '-6', '-c', process.execPath], { maxBuffer: 1 << 30 }),
  );
}

// 2. Dawn, the binary compressed too (decompressed on the device).
const webgpu = join(root, 'node_modules', 'webgpu');
if (!existsSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'))) {
  console.error('bench:gpu: node_modules/webgpu is missing (npm i -O webgpu@0.6.2)');
  process.exit(1);
}
for (const f of ['index.js', 'package.json']) copyFileSync(join(webgpu, f), join(dawnDir, f));
const dawnXz = join(dawnDir, 'dist', 'linux-x64', 'dawn.node.xz');
if (!existsSync(dawnXz)) {
  writeFileSync(
    dawnXz,
    execFileSync('xz', ['-T2', '-6', '-c', join(webgpu, 'dist', 'linux-x64', 'dawn.node')], {
      maxBuffer: 1 << 30,
    }),
  );
}

// 3. The Vulkan/EGL/GL loaders as amd64 .debs.
if (!readdirSync(out).some((f) => f.endsWith('.deb'))) {
  const o = [
    '-oAPT::Architecture=amd64',
    '-oAPT::Architectures=amd64',
    '-oDir::State::Lists=/tmp/amd64',
  ];
  mkdirSync('/tmp/amd64/partial', { recursive: true });
  sh('apt-get', [...o, '-qq', 'update']);
  sh(
    'apt-get',
    [
      ...o,
      'download',
      'libvulkan1',
      'libegl1',
      'libglvnd0',
      'libopengl0',
      'libgl1',
      'libglx0',
      'libgles2',
    ],
    { cwd: out },
  );
}

// 4. The benchmark, one file.
await build({
  entryPoints: [join(root, 'bench', 'gpu', 'bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The ESM builds: tfjs marks them as having side effects (backend registration); esbuild would
  // drop a bare import of the CommonJS `main` builds.
  mainFields: ['module', 'main'],
  external: ['webgpu'],
  banner: {
    js: "import {createRequire as __cr} from 'module'; const require = __cr(import.meta.url);",
  },
  outfile: join(out, 'bench.mjs'),
  logLevel: 'warning',
});

const size = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
const mib = size(out) / 2 ** 20;
console.log(`bench:gpu: built .gpu/ (${mib.toFixed(1)} MiB; a device call carries at most 64 MiB)`);

/** The one command for the device machine (run in the repo root there, with carry: ['.gpu']). */
export const deviceCommand = [
  'cd .gpu && xz -dc node.xz > /tmp/node && chmod +x /tmp/node',
  'xz -dkf node_modules/webgpu/dist/linux-x64/dawn.node.xz',
  'for f in *.deb; do dpkg -x $f /; done; ldconfig',
  'export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
  'nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader',
  '/tmp/node bench.mjs 2>&1 | tee $OUT/bench.log',
].join('; ');
console.log(
  [
    '',
    'To run it on a lent GPU (the device tool), from the repo root:',
    `  run({command: ${JSON.stringify(deviceCommand)}, carry: ['.gpu'], timeout_s: 420})`,
    'Anywhere else with a GPU and a Vulkan driver: node .gpu/bench.mjs (after unpacking dawn.node.xz).',
  ].join('\n'),
);

if (process.argv.includes('--check')) {
  console.log('\nbench:gpu --check: small sizes in headless Chromium (SwiftShader WebGPU)');
  const r = spawnSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    [join(root, 'scripts', 'bench-gpu-check.ts')],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log('\nbench:gpu --check: .gpu/bench.mjs through Dawn on this machine');
  const dawn = join(dawnDir, 'dist', 'linux-x64', 'dawn.node');
  if (!existsSync(dawn)) copyFileSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), dawn);
  const d = spawnSync(
    process.execPath,
    [join(out, 'bench.mjs'), '--sizes=4096', '--ks=1,2', '--reps=2'],
    {
      stdio: 'inherit',
    },
  );
  rmSync(dawn); // the carried folder holds only the compressed copy
  // Exit 2 means "no adapter here", which is the expected answer on a machine without a GPU.
  console.log(
    `bench:gpu --check: Dawn run exited with ${d.status}${d.status === 2 ? ' (no adapter here: expected without a GPU)' : ''}`,
  );
  if (d.status !== 0 && d.status !== 2) process.exit(1);
}
