// Doctest for TSDoc: every `@example` in src/ runs, and a line `expr // value` asserts that expr
// equals value (numbers to 1e-9 relative; objects are checked on the keys the comment lists).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { transformSync } from 'esbuild';
import { JSDOM } from 'jsdom';
import { Matrix } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import * as library from '../src/index.js';
import { useBackend } from './helpers/backends.js';

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The `@example` blocks of every doc comment in a file, with the symbol they precede. */
function examples(file: string): Array<{ name: string; code: string }> {
  const text = readFileSync(file, 'utf8');
  const found: Array<{ name: string; code: string }> = [];
  for (const match of text.matchAll(
    /\/\*\*([\s\S]*?)\*\/\s*(?:export\s+)?(?:abstract\s+)?(?:async\s+)?(?:function|class|const|interface|type)?\s*(\w+)?/g,
  )) {
    const body = (match[1] as string).split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
    const start = body.findIndex((line) => line.startsWith('@example'));
    if (start < 0) continue;
    const rest = body.slice(start + 1);
    const end = rest.findIndex((line) => line.startsWith('@'));
    const code = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
    if (code) found.push({ name: `${relative(root, file)} › ${match[2] ?? '?'}`, code });
  }
  return found;
}

function parseExpected(text: string): unknown {
  const cleaned = text.replace(/,?\s*…/g, '');
  return new Function(`return (${cleaned});`)();
}

function expectMatches(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const tol = 1e-9 * Math.max(1, Math.abs(expected));
    expect(
      Math.abs((actual as number) - expected),
      `${path}: ${actual} vs ${expected}`,
    ).toBeLessThanOrEqual(tol);
  } else if (Array.isArray(expected)) {
    const list = Array.from(actual as ArrayLike<unknown>);
    expect(list.length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => {
      expectMatches(list[i], e, `${path}[${i}]`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    for (const [key, value] of Object.entries(expected)) {
      expectMatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** Turns `expr // value` lines (or `// value` right under `expr`) into assertions. */
function withChecks(code: string): { code: string; checks: number } {
  const out: string[] = [];
  let checks = 0;
  for (const line of code.split('\n')) {
    const m = line.match(/^(.*?);?\s*\/\/\s*((?:[[{\d'"-]|true\b|false\b).*)$/);
    if (!m) {
      out.push(line);
      continue;
    }
    let expr = (m[1] as string).trim();
    if (expr === '' && out.length > 0) expr = (out.pop() as string).trim().replace(/;$/, '');
    if (expr === '' || /^(const|let|import)\b/.test(expr)) {
      out.push(line);
      continue;
    }
    checks++;
    out.push(`__check(${expr}, ${JSON.stringify(m[2])});`);
  }
  return { code: out.join('\n'), checks };
}

/** Runs an example with the package root, its own module's exports, `tf` and a `model` in scope. */
async function runExample(file: string, code: string): Promise<number> {
  const { code: checked, checks } = withChecks(code);
  const js = transformSync(checked, { loader: 'ts' }).code;
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  const indexFile = join(dirname(file), 'index.ts');
  const own = {
    ...(existsSync(indexFile) ? ((await import(indexFile)) as Record<string, unknown>) : {}),
    ...((await import(file)) as Record<string, unknown>),
  };
  // Notebook-facing examples call tslab.display; outside Jupyter they render into the void.
  const tslab = { display: { html: () => {}, png: () => {}, jpeg: () => {}, text: () => {} } };
  const scope: Record<string, unknown> = {
    ...library,
    ...own,
    tf,
    Matrix,
    model,
    tslab,
    document: new JSDOM('').window.document,
    __check: (v: unknown, e: string) => expectMatches(v, parseExpected(e), 'value'),
  };
  const run = new Function(...Object.keys(scope), `return (async () => {\n${js}\n})();`);
  await run(...Object.values(scope));
  model.dispose();
  return checks;
}

const all = sourceFiles(join(root, 'src')).flatMap((file) =>
  examples(file).map((e) => ({ ...e, file })),
);

describe('every @example in the API docs runs', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  it('finds the examples', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  for (const { name, code, file } of all) {
    it(name, async () => {
      await runExample(file, code);
    });
  }
  it('asserts the values the docs state', async () => {
    const checked = await Promise.all(all.map((e) => runExample(e.file, e.code)));
    expect(checked.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
  });
});
