// `npm test` runs `dist/test/*/*.test.js` and nothing else, so that helper modules under test/ (fixtures, case
// tables, the op-spec runner) are not loaded as test files of their own. A test file anywhere else would never run.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // from dist/test/architecture/

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

it('every test file sits at test/<area>/<name>.test.ts, where npm test looks for it', () => {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.test as string;
  assert.match(script, /node --test .*dist\/test\/\*\/\*\.test\.js/);
  const files = testFiles(join(ROOT, 'test'));
  assert.ok(files.length > 40, `found only ${files.length} test files`);
  const misplaced = files.filter((f) => f.split(sep).length !== 3);
  assert.deepEqual(misplaced, [], 'test files that npm test would not run');
});
