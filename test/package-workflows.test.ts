// The GitHub Actions workflows cannot run here, so each one is parsed and its key steps checked:
// CI runs .ci/run within the 90-minute budget; Pages builds the site under the repository's
// sub-path and deploys it with the standard upload/deploy pair; Release tests, then publishes to
// npm with provenance from a version tag. Every `npm run X` they call must exist.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const dir = `${root}.github/workflows`;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'timeout-minutes'?: number;
  needs?: string | string[];
  steps: Step[];
  environment?: { name: string };
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f, parse(readFileSync(`${dir}/${f}`, 'utf8')) as Workflow]),
);
const steps = (w: Workflow | undefined) => Object.values(w?.jobs ?? {}).flatMap((j) => j.steps);
const scripts = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts as Record<
  string,
  string
>;

describe('GitHub Actions workflows', () => {
  it('ci, pages and release exist and parse', () => {
    expect(Object.keys(workflows).sort()).toEqual(['ci.yml', 'pages.yml', 'release.yml']);
    for (const w of Object.values(workflows)) {
      expect(typeof w.name).toBe('string');
      expect(Object.keys(w.jobs).length).toBeGreaterThan(0);
    }
  });

  it('every `npm run X` names a script in package.json, and Node matches engines', () => {
    const engines = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).engines.node;
    for (const [file, w] of Object.entries(workflows)) {
      for (const step of steps(w)) {
        for (const [, name] of (step.run ?? '').matchAll(/npm run ([\w:-]+)/g)) {
          expect(scripts, `${file}: npm run ${name}`).toHaveProperty(name as string);
        }
        if (step.uses?.startsWith('actions/setup-node')) {
          expect(`>=${step.with?.['node-version']}`, file).toBe(engines);
        }
      }
    }
  });

  it('CI runs .ci/run (npm ci && npm test) on push and pull request within 90 minutes', () => {
    const w = workflows['ci.yml'] as Workflow;
    expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'push']);
    expect(steps(w).some((s) => s.run === '.ci/run')).toBe(true);
    expect(readFileSync(`${root}.ci/run`, 'utf8')).toMatch(/npm ci[^\n]*\nnpm test/);
    for (const job of Object.values(w.jobs)) expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
  });

  it('Pages builds the site under /<repository>/ and deploys it with upload-pages-artifact + deploy-pages', () => {
    const w = workflows['pages.yml'] as Workflow;
    expect(w.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' });
    const build = steps(w).find((s) => s.run === 'npm run build:site');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression.
    expect(build?.env?.BASE_URL).toBe('/${{ github.event.repository.name }}/');
    const all = steps(w);
    const upload = all.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with?.path).toBe('build/site');
    expect(all.indexOf(build as Step)).toBeLessThan(all.indexOf(upload as Step));
    // The notebooks are executed before the build, so the site publishes them with output.
    const execute = all.findIndex((s) => s.run === 'npm run notebooks:execute');
    expect(execute).toBeGreaterThanOrEqual(0);
    expect(execute).toBeLessThan(all.indexOf(build as Step));
    const deploy = Object.values(w.jobs).find((j) =>
      j.steps.some((s) => s.uses?.startsWith('actions/deploy-pages@')),
    );
    expect(deploy?.needs).toBe('build');
    expect(deploy?.environment?.name).toBe('github-pages');
  });

  it('Release runs on a version tag, tests, then publishes to npm with provenance', () => {
    const w = workflows['release.yml'] as Workflow;
    expect(w.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(w.permissions?.['id-token']).toBe('write');
    const all = steps(w);
    const test = all.findIndex((s) => s.run === 'npm test');
    const publish = all.findIndex((s) => /^npm publish --provenance\b/.test(s.run ?? ''));
    expect(test).toBeGreaterThanOrEqual(0);
    expect(publish).toBeGreaterThan(test);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression.
    expect(all[publish]?.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
    // The tag must be the version being published, and the changelog must describe it.
    expect(all.some((s) => /package\.json'\)\.version.*GITHUB_REF_NAME/.test(s.run ?? ''))).toBe(
      true,
    );
    expect(all.some((s) => /CHANGELOG\.md/.test(s.run ?? ''))).toBe(true);
    // npm publish runs prepack, which rebuilds dist/ from a clean folder.
    expect(scripts.prepack).toMatch(/rmSync\('dist'.*npm run build/);
  });
});
