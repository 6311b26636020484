// Runs the jasmine specs that TF.js ships inside @tensorflow/tfjs-core's npm package (dist/**/*_test.js) against one
// backend, the way TF.js runs them against each of its own backends and tfjs-node against its own: one test
// environment, specs in file order. Prints one line per failure and a JSON summary as the last line.
//
//   node dist/test/engine/op_specs/run_op_specs.js [--backend onednn|cpu] [--precision fp32|bf16] [FILE_FILTER…]
//
// FILE_FILTER: substrings of the spec files' paths under tfjs-core/dist (e.g. ops/conv2d); all files when none.
// Nothing is excluded: every spec file of the package runs, and each spec runs unless TF.js's own constraints in it
// (describeWithFlags) keep it to another backend or to browsers.
import { register } from 'node:module';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./tfjs_core_dist_hooks.js', import.meta.url);

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return value ?? fallback;
};
const backendName = option('--backend', 'onednn');
const precision = option('--precision', 'fp32');
const fileFilters = args;

const require = createRequire(import.meta.url);
const DIST = `${dirname(require.resolve('@tensorflow/tfjs-core/package.json'))}/dist`;

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return specFiles(path);
      return entry.name.endsWith('_test.js') ? [path] : [];
    })
    .sort();
}

// tfjs-core's ES build is a second instance of the library beside the CommonJS one that the backend registers on;
// TF.js keeps the engine, the kernel and gradient registries and the Tensor class in globals, so both see one engine.
// The ES index goes first so that the backend's gradients are registered after TF.js's own, as in a user's program.
await import(pathToFileURL(join(DIST, 'index.js')).href);
const { registerOnednnBackend, setPrecision } = await import('../../../src/engine/backend.js');
const { mulberry32 } = await import('../../../src/util/seeded_random.js');
if (backendName === 'onednn') registerOnednnBackend();
const jasmineUtil = await import(pathToFileURL(join(DIST, 'jasmine_util.js')).href);
jasmineUtil.setTestEnvs([{ name: backendName, backendName, flags: {}, isDataSync: true }]);

// TF.js's random ops take their seed from Math.random when a spec gives none, so a few specs (randomGamma's range
// checks: a draw above 40 from Gamma(2, 2), seen once in the project's runs) could fail by chance. A fixed sequence
// makes every run of the suite draw the same numbers, so a result is reproducible like every other spec's.
Math.random = mulberry32(0x5eed);

const { default: Jasmine } = await import('jasmine');
const runner = new Jasmine({});
runner.exitOnCompletion = false;
runner.loadConfig({ random: false });

const files = specFiles(DIST)
  .map((path) => relative(DIST, path))
  .filter((file) => fileFilters.length === 0 || fileFilters.some((f) => file.includes(f)));
if (backendName === 'onednn' && precision !== 'fp32') {
  // every describeWithFlags block sets the backend anew; the precision follows it
  runner.env.beforeEach(() => setPrecision(precision as 'bf16'));
}

type Result = { fullName: string; status: string; failedExpectations: { message: string; stack?: string }[] };
const failures: { spec: string; message: string }[] = [];
let passed = 0;
let total = 0;
runner.clearReporters();
runner.addReporter({
  specDone(result: Result) {
    if (result.status === 'excluded' || result.status === 'pending') return;
    total += 1;
    if (result.status === 'passed') {
      passed += 1;
      return;
    }
    const message = result.failedExpectations
      .map((e) => e.message)
      .join(' | ')
      .slice(0, 400);
    failures.push({ spec: result.fullName, message });
    console.log(`FAIL ${result.fullName}\n     ${message}`);
    if (process.env.NIN_DEBUG) console.log(result.failedExpectations.map((e) => e.stack).join('\n'));
  },
});

const started = Date.now();
await runner.execute(files.map((file) => join(DIST, file)));
const summary = {
  backend: backendName,
  precision,
  files: files.length,
  specs: total,
  passed,
  failed: failures.length,
  seconds: Math.round((Date.now() - started) / 1000),
  failures,
};
console.log(JSON.stringify(summary));
process.exit(failures.length === 0 ? 0 : 1);
