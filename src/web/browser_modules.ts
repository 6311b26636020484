// The compiled modules the pages load, served under /lib/: the page scripts of src/web/client and everything they
// import (the shared preprocessing, ranking and curves code). Worked out from the import statements at start-up, so
// only these files can be fetched, and a module that imports anything but relative modules (node:fs, sharp…) is
// refused with an error naming it, instead of failing later in a browser.
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/, the root the /lib/ paths are relative to. */
const COMPILED_ROOT = new URL('../', import.meta.url);

const STATIC_IMPORT = /^\s*import\s*(['"])([^'"]+)\1/gm;
const FROM_IMPORT = /^\s*(?:import|export)\s[^'";]*?\bfrom\s*(['"])([^'"]+)\1/gm;

/** The specifiers a compiled ES module imports or re-exports (type-only imports are gone after tsc). */
export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT), ...source.matchAll(FROM_IMPORT)].map((m) => m[2]!);
}

/** URL path (/lib/…) → file, for the `entries` (paths under dist/src/) and everything they import. */
export function browserModules(entries: readonly string[]): Map<string, string> {
  const modules = new Map<string, string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const path = pending.pop()!;
    const urlPath = `/lib/${path}`;
    if (modules.has(urlPath)) continue;
    const file = fileURLToPath(new URL(path, COMPILED_ROOT));
    if (!existsSync(file)) throw new Error(`${file} is missing: build the project first (npm run build)`);
    modules.set(urlPath, file);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!/^\.\.?\//.test(specifier) || !specifier.endsWith('.js')) {
        throw new Error(
          `${path} imports '${specifier}', which a browser cannot load from /lib/: the page may only import relative modules`,
        );
      }
      const target = posix.normalize(posix.join(posix.dirname(path), specifier));
      if (target.startsWith('../')) throw new Error(`${path} imports '${specifier}', outside the compiled sources`);
      pending.push(target);
    }
  }
  return modules;
}
