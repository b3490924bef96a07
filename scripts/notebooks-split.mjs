// `npm run notebooks:split [-- NAME_FILTER...]`: writes each student notebook notebooks/NN-*.ipynb
// from its instructor copy notebooks/solutions/NN-*.ipynb, the one source of truth.
//   - cells tagged `solution` (metadata.tags) are dropped: worked solutions, model answers;
//   - cells tagged `starter` are kept: the "✎ your turn" cells with `undefined` to replace;
//   - every other cell is copied as it is, outputs cleared.
// `--check` writes nothing and exits non-zero when a committed student copy differs from the one
// it would write (scripts/notebooks-execute.mjs runs the same check). See notebooks/README.md.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
export const studentDir = `${root}notebooks`;
export const instructorDir = `${root}notebooks/solutions`;

/** The tags of a cell (Jupyter keeps them in metadata.tags). */
export function tagsOf(cell) {
  return cell.metadata?.tags ?? [];
}

/** The student copy of an instructor notebook (a new object; the argument is not changed). */
export function studentCopy(instructor) {
  const copy = structuredClone(instructor);
  copy.cells = copy.cells
    .filter((cell) => !tagsOf(cell).includes('solution'))
    .map((cell) =>
      cell.cell_type === 'code' ? { ...cell, execution_count: null, outputs: [] } : cell,
    );
  return copy;
}

/** Keys sorted at every level, as nbformat writes them. */
function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted(value[key])]),
    );
  }
  return value;
}

/** A notebook as nbformat writes it (indent 1, sorted keys, raw Unicode, final newline). */
export function serialize(nb) {
  return `${JSON.stringify(sorted(nb), null, 1)}\n`;
}

/**
 * Problems with an instructor notebook's tags: the only tags with a meaning here are `solution`
 * and `starter`; one cell cannot be both; a solution must not be hidden in place of being removed.
 */
export function tagProblems(instructor) {
  const problems = [];
  instructor.cells.forEach((cell, index) => {
    const tags = tagsOf(cell);
    if (tags.includes('solution') && tags.includes('starter')) {
      problems.push(`cell ${index} is tagged both solution and starter`);
    }
    if (!tags.includes('solution') && cell.metadata?.jupyter?.source_hidden) {
      problems.push(`cell ${index} is hidden (source_hidden) but not tagged solution`);
    }
  });
  if (!instructor.cells.some((cell) => tagsOf(cell).includes('solution'))) {
    problems.push('no cell is tagged solution');
  }
  return problems;
}

/** Instructor notebook file names, keeping those that contain one of `filters` (all if none). */
export function instructorNames(filters = []) {
  if (!existsSync(instructorDir)) return [];
  return readdirSync(instructorDir)
    .filter((f) => f.endsWith('.ipynb'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
}

/** The serialized student copy of notebooks/solutions/NAME. */
export function expectedStudent(name) {
  return serialize(studentCopy(JSON.parse(readFileSync(`${instructorDir}/${name}`, 'utf8'))));
}

/** True when notebooks/NAME is exactly the student copy generated from notebooks/solutions/NAME. */
export function studentIsCurrent(name) {
  const path = `${studentDir}/${name}`;
  return existsSync(path) && readFileSync(path, 'utf8') === expectedStudent(name);
}

function main() {
  const args = process.argv.slice(2);
  const checkOnly = args.includes('--check');
  const names = instructorNames(args.filter((a) => a !== '--check'));
  if (names.length === 0) {
    console.error(`[notebooks:split] no instructor notebooks matched in ${instructorDir}`);
    process.exit(1);
  }
  let failed = 0;
  for (const name of names) {
    const instructor = JSON.parse(readFileSync(`${instructorDir}/${name}`, 'utf8'));
    const problems = tagProblems(instructor);
    if (problems.length > 0) {
      failed += 1;
      console.error(`[notebooks:split] solutions/${name}: ${problems.join('; ')}`);
      continue;
    }
    if (checkOnly) {
      if (!studentIsCurrent(name)) {
        failed += 1;
        console.error(`[notebooks:split] ${name} is not the student copy of solutions/${name}`);
      }
      continue;
    }
    const dropped = instructor.cells.length - studentCopy(instructor).cells.length;
    writeFileSync(`${studentDir}/${name}`, expectedStudent(name));
    console.log(
      `[notebooks:split] ${name} ← solutions/${name} (${dropped} solution cells dropped)`,
    );
  }
  if (failed > 0) {
    if (checkOnly) console.error('Run `npm run notebooks:split` and commit both copies.');
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
