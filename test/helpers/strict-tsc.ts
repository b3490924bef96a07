import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/**
 * Type-checks files as a consumer's project would (`tsc --noEmit --strict`, Node's module
 * resolution, library .d.ts skipped) and returns the compiler's diagnostics, '' when there are none.
 */
export function strictTypeErrors(...files: string[]): string {
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        ...files,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout);
  }
}
