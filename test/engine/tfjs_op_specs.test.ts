// TF.js's own op specs (the jasmine *_test.js files inside @tensorflow/tfjs-core's npm package, the suite every
// TF.js backend is held to) against the onednn backend: every file, no failure. They run in a child process, as
// they need jasmine's globals and module hooks for tfjs-core's ES build (see op_specs/run_op_specs.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'op_specs', 'run_op_specs.js');
const DIST = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json')), 'dist');
const shippedSpecFiles = (readdirSync(DIST, { recursive: true }) as string[]).filter((f) =>
  f.endsWith('_test.js'),
).length;

type Summary = {
  files: number;
  specs: number;
  passed: number;
  failed: number;
  failures: { spec: string; message: string }[];
};

async function runSpecs(backend: string): Promise<Summary> {
  const { stdout } = await run(process.execPath, [RUNNER, '--backend', backend], {
    maxBuffer: 64 << 20,
    timeout: 600_000,
  }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }), // exit 1 on failures: the summary says which
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Summary;
}

describe("TF.js core's op specs", () => {
  it('pass on onednn: every spec file that @tensorflow/tfjs-core ships, 0 failures', async () => {
    const s = await runSpecs('onednn');
    assert.equal(s.files, shippedSpecFiles, 'every shipped spec file runs');
    assert.ok(s.specs > 4000, `${s.specs} specs ran`);
    assert.equal(s.failed, 0, s.failures.map((f) => `${f.spec}: ${f.message}`).join('\n'));
    assert.equal(s.passed, s.specs);
  });
});
