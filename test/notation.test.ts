// The notation linter (scripts/lint-notation.mjs, rules in site/notation.json): it fails on a page
// that uses a symbol in a meaning the notation page does not list, passes on the same idea written
// in the contract's notation, and ignores code. Each bad snippet below is a collision the course
// actually had (issue 11): g as a conductance, κ, m as velocity, τ as a lag, η as a pattern, T as
// a time, the seed's fast-to-slow numbering.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const script = join(root, 'scripts/lint-notation.mjs');
const dir = mkdtempSync(join(tmpdir(), 'lint-notation-'));

interface Violation {
  file: string;
  line: number | string;
  rule: string;
}

/** Runs the linter on one snippet saved as `name`; returns exit status and violations. */
function lint(name: string, source: string): { status: number | null; found: Violation[] } {
  const file = join(dir, name);
  writeFileSync(file, source);
  const run = spawnSync(process.execPath, [script, '--json', file], { encoding: 'utf8' });
  return { status: run.status, found: JSON.parse(run.stdout) as Violation[] };
}

const bad: [string, string][] = [
  ['g-is-the-gradient', 'The tube has conductance $g_k = 2^{-k-2}$.'],
  ['g-is-the-gradient', '$$C_1\\,\\Delta u_1 = g_1\\,(u_2 - u_1) - \\alpha\\, g(t)$$'],
  ['no-kappa', 'On $L = \\tfrac{\\kappa}{2} w^2$ the loop gain is $\\eta\\kappa$.'],
  ['velocity-is-v', 'Heavy-ball momentum keeps a velocity $m$ next to each weight.'],
  ['m-is-beakers', '$$m(t+1) = \\beta\\, m(t) + g(t)$$'],
  ['tau-is-a-time-constant', 'The kernel is $h(\\tau) = -\\sum_i \\alpha_i \\gamma_i^{\\tau}$.'],
  ['eta-is-a-learning-rate', "Its overlap with $\\eta'$, a pattern never stored."],
  ['pattern-is-xi', 'The overlap of $w$ with a pattern $\\eta$ that was never stored.'],
  ['T-is-the-transition', '$$w(T) = \\sum_{t=0}^{T} h(t)$$'],
  ['T-steps', 'Train for $T$ steps.'],
  ['tau-definition', 'It remembers for $\\tau_i = 1/(1-\\gamma_i)$ steps.'],
  ['gamma-range', 'each retention $\\gamma_i \\in [0, 1]$'],
  ['retention-not-decay', 'Every part has one decay $\\gamma_i$ of its own.'],
  ['ema-convention', "In the seed's convention the gradient is scaled by $1-\\beta$."],
  ['slow-to-fast', 'Here $\\omega_1$ is the fast weight.'],
  ['beaker-index-is-ell', 'Beaker $k$ has width $C_k$.'],
];

describe('scripts/lint-notation.mjs', () => {
  for (const [rule, snippet] of bad) {
    it(`fails on ${rule}: ${snippet}`, () => {
      const { status, found } = lint('bad.mdx', `# Page\n\n${snippet}\n`);
      expect(status).toBe(1);
      expect(found.map((v) => v.rule)).toContain(rule);
      expect(found.find((v) => v.rule === rule)?.line).toBe(3);
    });
  }

  it('passes on the same ideas in the contract notation', () => {
    const good = [
      'The tube from beaker $\\ell$ has conductance $G_\\ell$, and $C_\\ell$ is its capacity.',
      '$$C_1\\,\\Delta u_1 = G_1\\,(u_2 - u_1) - \\alpha\\, g(t)$$',
      'On $L = \\tfrac{\\lambda}{2} (w - w^\\star)^2$, with velocity $v$: $v \\leftarrow \\beta v + g$.',
      'The kernel is $h(\\Delta) = -\\sum_i \\alpha_i \\gamma_i^{\\Delta}$, with $c^\\top T^t b$.',
      "A pattern $\\xi'$ never stored; $m$ beakers; $\\tau = -1/\\ln\\gamma \\approx 1/(1-\\gamma)$.",
      'Train for $t_{\\max}$ steps; $\\omega_1$ is the slowest; retention $\\gamma \\in (-1, 1]$.',
      'The rate is $\\rho = \\max_i |z_i|$; the steep direction has $\\eta\\lambda_1 = 1.5$.',
    ].join('\n\n');
    const { status, found } = lint('good.mdx', good);
    expect(found).toEqual([]);
    expect(status).toBe(0);
  });

  it('skips code blocks, inline code and imports', () => {
    const source = [
      "import X from '@site/x';",
      '```ts',
      'const m = 0.9; // velocity $m$ and $\\kappa$ in code are not prose',
      '```',
      'Call `bennaFusi({ couplings: g_k })` here.',
    ].join('\n');
    expect(lint('code.mdx', source).found).toEqual([]);
  });

  it("lints a notebook's markdown cells and skips its code cells", () => {
    const notebook = {
      cells: [
        { cell_type: 'code', source: ['const kappa = 1; // $\\kappa$\n'] },
        { cell_type: 'markdown', source: ['# Title\n', '\n', 'A velocity $m$.\n'] },
      ],
    };
    const { status, found } = lint('nb.ipynb', JSON.stringify(notebook));
    expect(status).toBe(1);
    expect(found).toEqual([
      expect.objectContaining({ rule: 'velocity-is-v', line: 'cell 2, line 3' }),
    ]);
  });

  it('every rule in site/notation.json is exercised by a bad snippet above', () => {
    const notation = JSON.parse(readFileSync(join(root, 'site/notation.json'), 'utf8'));
    const tested = new Set(bad.map(([rule]) => rule));
    const untested = (notation.rules as { id: string }[])
      .map((r) => r.id)
      .filter((id) => !tested.has(id));
    // Rules without a snippet above are tested in the second table.
    for (const id of untested)
      expect(
        moreBad.map(([r]) => r),
        id,
      ).toContain(id);
  });

  const moreBad: [string, string][] = [
    ['lag-is-delta', 'the autocorrelation at lag $\\tau$'],
    ['sigma-is-observation-noise', 'each component has variance $\\sigma^2 = 1/K$'],
    ['h-is-the-impulse-response', 'the curvature $\\hat h$ of the loss'],
    ['z-is-a-closed-loop-root', 'the components $z_k(t)$ drift'],
    ['rho-is-a-rate', 'component $k$ keeps $\\rho_k = e^{-1/\\tau_k}$'],
    ['gamma-not-lambda', '$$T = V \\Lambda V^{-1}$$'],
    ['mu-is-the-kalman-mean', 'eigenvalues $\\gamma_i = 1 - \\mu_i$'],
    ['K-is-the-gain', '$$\\theta = \\sum_{i=1}^{K} \\theta_i$$'],
  ];
  for (const [rule, snippet] of moreBad) {
    it(`fails on ${rule}: ${snippet}`, () => {
      const { status, found } = lint('bad2.mdx', `${snippet}\n`);
      expect(status).toBe(1);
      expect(found.map((v) => v.rule)).toContain(rule);
    });
  }

  it('prints file:line, rule and message in its plain report', () => {
    const file = join(dir, 'plain.mdx');
    writeFileSync(file, 'x\nA velocity $m$.\n');
    let out = '';
    try {
      execFileSync(process.execPath, [script, file], { encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    expect(out).toMatch(/plain\.mdx:2 {2}velocity-is-v {2}momentum's velocity is v/);
  });
});
