// The project's root folder (the one holding package.json), found by walking up from this module:
// `src/` under tsx, `dist/src/` after `npm run build`. Every shipped asset (cards, locales, the
// built widget, the sandbox console) is resolved from it, so both layouts find the same files.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${start} or above`);
  }
}

const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project: `fromRoot('locales')`. */
export function fromRoot(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
