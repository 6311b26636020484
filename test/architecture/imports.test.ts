// The layering the README's "How it is built" draws, held by the imports themselves: no import cycle in src/, and
// each folder imports only from the layers below it (the engine knows nothing of NiN, the data nothing of models,
// the server nothing of the command line). Type-only imports are left out: they vanish at run time.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url)); // from dist/test/architecture/

/** Each layer, with the layers it may import from (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  'version.ts': [],
  util: [],
  engine: ['util'],
  data: ['util'],
  model: ['util', 'engine', 'data'],
  training: ['util', 'version.ts', 'engine', 'data', 'model'],
  explain: ['util', 'data', 'model'],
  export: ['util', 'version.ts', 'model'],
  compare: ['util', 'version.ts', 'engine', 'data', 'model', 'training'],
  web: ['util', 'version.ts', 'engine', 'data', 'model', 'training', 'explain', 'export', 'compare'],
  cli: ['util', 'version.ts', 'engine', 'data', 'model', 'training', 'explain', 'export', 'compare', 'web'],
  'index.ts': ['util', 'version.ts', 'engine', 'data', 'model', 'training', 'explain', 'export', 'compare'],
  'onednn.ts': ['engine'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'static' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = sources(SRC);
const graph = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gm),
    ].map((m) => m[1] ?? m[2]!);
    return [
      file,
      specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))).filter((d) => files.includes(d)),
    ];
  }),
);
const layerOf = (file: string) => relative(SRC, file).split('/')[0]!;
const name = (file: string) => relative(SRC, file);

describe('the import graph of src/', () => {
  it('has no cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const dep of graph.get(file)!) {
        if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep].map(name).join(' → '));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('goes only downwards: each folder imports from the layers below it', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      const allowed = MAY_IMPORT[layerOf(file)];
      assert.ok(allowed, `${name(file)}: its folder has a place in the layering`);
      for (const dep of deps) {
        if (layerOf(dep) !== layerOf(file) && !allowed.includes(layerOf(dep)))
          wrong.push(`${name(file)} → ${name(dep)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
