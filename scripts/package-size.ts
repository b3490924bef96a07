// `npm run package:size`: packs the library as `npm publish` would, installs the tarball into a
// fresh project, measures the tarball, its unpacked size and the install size (the package with its
// own dependencies; the peer TensorFlow.js, which every user has anyway, is not counted), and
// writes those numbers into README.md between the package-size markers.
// test/package-consumer.test.ts uses the same functions and fails when the README is off by > 10 %.
import { execFile } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const root = new URL('..', import.meta.url).pathname;

/** What `npm pack` produced. */
export interface Tarball {
  /** Absolute path of the .tgz. */
  file: string;
  /** Bytes of the gzipped tarball. */
  size: number;
  /** Bytes of its files, unpacked. */
  unpackedSize: number;
  /** Paths inside the package, sorted. */
  files: string[];
}

/** Packs the library (without running prepack: dist/ must be built) into `dir`. */
export async function packTarball(dir: string): Promise<Tarball> {
  const { stdout: out } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: root, encoding: 'utf8' },
  );
  const [info] = JSON.parse(out) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  if (!info) throw new Error('npm pack reported nothing');
  return {
    file: join(dir, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path).sort(),
  };
}

/**
 * A fresh ESM project in `dir`/consumer with the tarball installed from the registry or npm's
 * cache. Peers are not auto-installed (--legacy-peer-deps); `@tensorflow` is linked from this
 * repository's node_modules, which a test can do in seconds instead of downloading ≈300 MB.
 */
export async function consumerProject(dir: string, tgz: string): Promise<string> {
  const project = join(dir, 'consumer');
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await run(
    'npm',
    [
      'install',
      tgz,
      '--prefer-offline',
      '--legacy-peer-deps',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel',
      'error',
    ],
    { cwd: project },
  );
  symlinkSync(join(root, 'node_modules/@tensorflow'), join(project, 'node_modules/@tensorflow'));
  return project;
}

/** Bytes of every file under `path` (apparent size; symbolic links are not followed). */
function bytes(path: string): number {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + bytes(join(path, name)), 0);
}

/** Install size: the package and its own dependencies in node_modules, without the linked peer. */
export function installSize(project: string): { install: number } {
  const modules = join(project, 'node_modules');
  const install = readdirSync(modules)
    .filter((name) => name !== '@tensorflow' && name !== '.package-lock.json')
    .reduce((sum, name) => sum + bytes(join(modules, name)), 0);
  return { install };
}

const START = '<!-- package-size: written by `npm run package:size` -->';
const END = '<!-- /package-size -->';

/** kB/MB as npm prints them (1 kB = 1000 B). */
function human(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

function parseHuman(text: string): number {
  const m = text.match(/([\d.]+) (kB|MB)/);
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === 'MB' ? 1e6 : 1e3);
}

/** The sizes the README states, or null when it has no package-size block. */
export function readmeSizes(
  readme: string,
): { tarball: number; unpacked: number; install: number } | null {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return null;
  const block = readme.slice(start, end);
  const pick = (label: string) =>
    parseHuman(block.match(new RegExp(`${label}: \\*\\*([^*]+)\\*\\*`))?.[1] ?? '');
  return { tarball: pick('tarball'), unpacked: pick('unpacked'), install: pick('install') };
}

function sizeBlock(t: Tarball, install: number, dependencies: string[]): string {
  return `${START}
npm tarball: **${human(t.size)}** (${t.files.length} files, unpacked: **${human(t.unpackedSize)}**);
install: **${human(install)}** for the package and its dependencies (${dependencies.join(', ')}),
not counting the peer \`@tensorflow/tfjs\` that your app already has. Measured by installing the
packed tarball into an empty project; the optional peers (\`webgpu\`, the wasm and webgpu backends)
are not installed by default.
${END}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const work = mkdtempSync(join(tmpdir(), 'mso-size-'));
  try {
    const tarball = await packTarball(work);
    const project = await consumerProject(work, tarball.file);
    const { install } = installSize(project);
    const dependencies = readdirSync(join(project, 'node_modules')).filter(
      (n) => !n.startsWith('.') && n !== '@tensorflow' && n !== 'multiscale-optimizer',
    );
    const readmePath = join(root, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const block = sizeBlock(tarball, install, dependencies);
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) {
      console.log(`README.md has no package-size block yet; add this one:\n\n${block}`);
    } else {
      writeFileSync(readmePath, readme.slice(0, start) + block + readme.slice(end + END.length));
      console.log(block);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
