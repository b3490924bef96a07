// The student/instructor mechanism of the course notebooks (scripts/notebooks-split.mjs,
// notebooks/README.md): a student copy is its instructor copy without the cells tagged
// `solution`, outputs cleared, written the way nbformat writes a notebook. The functions run in a
// child Node process (the script is plain ESM .mjs, outside the type-checked sources).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const script = join(root, 'scripts/notebooks-split.mjs');

interface Cell {
  cell_type: 'markdown' | 'code';
  metadata: { tags?: string[]; jupyter?: { source_hidden?: boolean } };
  source: string[];
  execution_count?: number | null;
  outputs?: unknown[];
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Calls `fn` (studentCopy, serialize or tagProblems) of the split script on `nb` in a child. */
function call(fn: 'studentCopy' | 'serialize' | 'tagProblems', nb: Notebook): unknown {
  const program = `import * as split from ${JSON.stringify(script)};
let input = '';
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(JSON.stringify(split[${JSON.stringify(fn)}](JSON.parse(input))));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
    input: JSON.stringify(nb),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const code = (source: string, tags: string[] = [], executed = false): Cell => ({
  cell_type: 'code',
  metadata: tags.length > 0 ? { tags } : {},
  source: [source],
  execution_count: executed ? 3 : null,
  outputs: executed ? [{ output_type: 'stream', name: 'stdout', text: ['out\n'] }] : [],
});
const markdown = (source: string, tags: string[] = []): Cell => ({
  cell_type: 'markdown',
  metadata: tags.length > 0 ? { tags } : {},
  source: [source],
});
const notebook = (cells: Cell[]): Notebook => ({
  cells,
  metadata: { kernelspec: { name: 'tslab' } },
  nbformat: 4,
  nbformat_minor: 5,
});

const instructor = notebook([
  markdown('# Title'),
  code('function check(x: number): void {}'),
  code('const a: number | undefined = undefined;', ['starter']),
  code('const a = 1;', ['solution'], true),
  markdown('**Model answer.** …', ['solution']),
  code('show(a)', [], true),
]);

describe('studentCopy', () => {
  const student = call('studentCopy', instructor) as Notebook;

  it('drops exactly the cells tagged solution, code and markdown, and keeps the starter cell', () => {
    expect(student.cells.map((c) => c.source[0])).toEqual([
      '# Title',
      'function check(x: number): void {}',
      'const a: number | undefined = undefined;',
      'show(a)',
    ]);
    expect(student.cells[2]?.metadata.tags).toEqual(['starter']);
  });

  it('clears outputs and execution counts', () => {
    const last = student.cells[3];
    expect(last?.outputs).toEqual([]);
    expect(last?.execution_count).toBeNull();
  });

  it('drops every cell of a notebook that holds only solutions', () => {
    expect(call('studentCopy', notebook([code('x', ['solution'])])) as Notebook).toEqual(
      notebook([]),
    );
  });
});

describe('serialize', () => {
  // Python's json.dump(indent=1, sort_keys=True, ensure_ascii=False), nbformat's own writer,
  // wrote these instructor notebooks: serializing the parsed file must give back every byte.
  const dir = join(root, 'notebooks/solutions');
  const names = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && /^0[1-5]-/.test(f));

  it('finds the five course notebooks', () => {
    expect(names).toHaveLength(5);
  });

  it.each(names)('reproduces %s byte for byte', (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    expect(call('serialize', JSON.parse(text) as Notebook)).toBe(text);
  });

  it('sorts keys at every level and ends with a newline', () => {
    const text = call('serialize', { b: 1, a: { d: [], c: 'é' } } as unknown as Notebook);
    expect(text).toBe('{\n "a": {\n  "c": "é",\n  "d": []\n },\n "b": 1\n}\n');
  });
});

describe('tagProblems', () => {
  it('accepts a well-tagged instructor notebook', () => {
    expect(call('tagProblems', instructor)).toEqual([]);
  });

  it('rejects a cell tagged both solution and starter', () => {
    const nb = notebook([code('x', ['solution', 'starter'])]);
    expect(call('tagProblems', nb)).toEqual(['cell 0 is tagged both solution and starter']);
  });

  it('rejects a hidden cell that is not tagged solution (hiding is not removing)', () => {
    const hidden = {
      ...code('const answer = 42;'),
      metadata: { jupyter: { source_hidden: true } },
    };
    const nb = notebook([hidden, code('y', ['solution'])]);
    expect(call('tagProblems', nb)).toEqual([
      'cell 0 is hidden (source_hidden) but not tagged solution',
    ]);
  });

  it('rejects a notebook without solutions', () => {
    expect(call('tagProblems', notebook([code('x')]))).toEqual(['no cell is tagged solution']);
  });
});

describe('the committed student notebooks', () => {
  it('are exactly the generated student copies (npm run notebooks:split -- --check)', () => {
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
