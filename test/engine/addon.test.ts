// Loading the native addon and calling it directly: a missing or broken addon gives an error that names the
// package to install while the cpu backend keeps working, and bad arguments raise JS errors instead of crashing.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { loadAddon } from '../../src/engine/addon.js';
import { registerOnednnBackend, setNumThreads, useBackend } from '../../src/engine/backend.js';
import { assertClose, values } from './helpers.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const backendUrl = new URL('../../src/engine/backend.js', import.meta.url).href;

interface ChildReport {
  error?: string;
  secondError?: string;
  backend: string;
  sum: number[];
}

/** Runs a fresh Node process with NIN_ONEDNN_ADDON=addonPath that asks for onednn, then uses cpu. */
async function childWithAddon(addonPath: string): Promise<ChildReport> {
  const script = `
    import * as tf from '@tensorflow/tfjs';
    const { useBackend } = await import(${JSON.stringify(backendUrl)});
    const report = {};
    try { await useBackend('onednn'); } catch (e) { report.error = e.message; }
    try { await useBackend('onednn'); } catch (e) { report.secondError = e.message; }
    await useBackend('cpu');
    report.backend = tf.getBackend();
    report.sum = Array.from(tf.add(tf.tensor1d([1, 2.5]), tf.tensor1d([3, 4])).dataSync());
    console.log(JSON.stringify(report));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { ...process.env, NIN_ONEDNN_ADDON: addonPath },
    timeout: 60_000,
  });
  const line = stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as ChildReport;
}

describe('a missing or unloadable addon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nin-addon-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("useBackend('onednn') rejects naming libdnnl-dev when the addon file does not exist; cpu still works", async () => {
    const r = await childWithAddon('/nonexistent/onednn.node');
    assert.match(r.error ?? 'resolved', /libdnnl-dev/);
    assert.match(r.error!, /\/nonexistent\/onednn\.node/, 'the message names the path it looked for');
    assert.match(r.secondError ?? 'resolved', /libdnnl-dev/, 'asking again rejects again (no half-registered backend)');
    assert.equal(r.backend, 'cpu');
    assert.deepEqual(r.sum, [4, 6.5]);
  });

  it('an install that skipped the build keeps its reason, and the error and the CLI give it (exit 2, naming --backend cpu)', async () => {
    // the real build script, in a copy of the package layout, with a DNNL_ROOT that has no oneDNN
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'scripts'), { recursive: true });
    copyFileSync(join(repoRoot, 'scripts', 'build-addon.mjs'), join(pkg, 'scripts', 'build-addon.mjs'));
    const build = spawnSync(process.execPath, [join(pkg, 'scripts', 'build-addon.mjs')], {
      cwd: pkg,
      encoding: 'utf8',
      env: { ...process.env, DNNL_ROOT: '/nonexistent' },
    });
    assert.equal(build.status, 0, 'a skipped addon does not fail the install');
    assert.match(build.stderr, /skipping the oneDNN addon: DNNL_ROOT=\/nonexistent has no include\/dnnl\.hpp/);
    const addon = join(pkg, 'build', 'Release', 'onednn.node');
    const r = await childWithAddon(addon);
    assert.match(
      r.error ?? 'resolved',
      /which was not built \(the install skipped it: DNNL_ROOT=\/nonexistent has no include\/dnnl\.hpp\)\. Install oneDNN \(apt-get install libdnnl-dev\)/,
    );
    assert.equal(r.backend, 'cpu');

    const cli = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'dist', 'src', 'cli', 'nin.js'),
        'train',
        '--resize',
        '67',
        '--epochs',
        '1',
        '--limit-train',
        '64',
        '--out',
        join(dir, 'run'),
      ],
      { encoding: 'utf8', env: { ...process.env, NIN_ONEDNN_ADDON: addon, NIN_DEBUG: '' } },
    );
    assert.equal(cli.status, 2, cli.stderr);
    assert.match(
      cli.stderr,
      /^nin: error: the onednn backend needs the native addon .*libdnnl-dev.*Or run without it: --backend cpu/,
    );
    assert.equal(cli.stderr.trim().split('\n').length, 1, 'one line');
  });

  it("import 'nin-d2l/onednn' makes onednn TF.js's default; without the addon TF.js stays on cpu, with one warning", async () => {
    const entry = new URL('../../src/onednn.js', import.meta.url).href;
    const script = `import * as tf from '@tensorflow/tfjs'; await import(${JSON.stringify(entry)}); await tf.ready(); console.log(tf.getBackend());`;
    const child = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const present = child({});
    assert.equal(present.stdout.trim(), 'onednn', present.stderr);
    const missing = child({ NIN_ONEDNN_ADDON: '/nonexistent/onednn.node' });
    assert.equal(missing.status, 0);
    assert.equal(missing.stdout.trim().split('\n').at(-1), 'cpu');
    const warnings = missing.stderr.split('\n').filter((l) => l.startsWith('nin-d2l/onednn:'));
    assert.equal(warnings.length, 1, missing.stderr);
    assert.match(warnings[0]!, /libdnnl-dev.*TF\.js will compute on its cpu backend/);
  });

  it('a file that is not a loadable addon also rejects naming libdnnl-dev; cpu still works', async () => {
    const bogus = join(dir, 'onednn.node');
    writeFileSync(bogus, 'not an ELF shared object');
    const r = await childWithAddon(bogus);
    assert.match(r.error ?? 'resolved', /libdnnl-dev/);
    assert.match(r.error!, /failed to load/);
    assert.equal(r.backend, 'cpu');
    assert.deepEqual(r.sum, [4, 6.5]);
  });
});

describe('the entry points', () => {
  it('the addon exports exactly the NIN_ENTRY_POINT registrations of native/*.cc (every file compiled in)', () => {
    const registered = readdirSync(join(repoRoot, 'native'))
      .filter((f) => f.endsWith('.cc'))
      .flatMap((f) => [...readFileSync(join(repoRoot, 'native', f), 'utf8').matchAll(/^NIN_ENTRY_POINT\("(\w+)"/gm)])
      .map((m) => m[1]);
    assert.ok(registered.includes('conv2d') && registered.includes('info'), registered.join(', '));
    assert.deepEqual(Object.keys(loadAddon()).sort(), registered.sort());
  });
});

describe('direct addon calls with bad arguments throw JS errors', () => {
  const addon = loadAddon();
  const f = (n: number) => new Float32Array(n);
  // the addon takes TF.js's own Conv2DInfo: a 3×3 'same' conv of [1,4,4,2] → [1,4,4,3], a 2×2/2 pool of it
  const geometry = tf.backend_util.computeConv2DInfo([1, 4, 4, 2], [3, 3, 2, 3], 1, 1, 'same');
  const pool = tf.backend_util.computePool2DInfo([1, 4, 4, 2], 2, 2, 1, 'valid');
  const step = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, lr: 0.001, keep: 1, correction1: 0.1, correction2: 0.001 };
  const dims = { batchA: 2, batchB: 3, m: 2, k: 3, n: 2, transposeA: false, transposeB: false };
  const broken = <T>(value: T, changes: Record<string, unknown>) => ({ ...value, ...changes }) as T;

  const cases: Array<[string, () => unknown, RegExp, ErrorConstructor]> = [
    [
      'relu with an output shorter than its input',
      () => addon.relu(f(4), f(3)),
      /y has 3 elements, expected 4/,
      RangeError,
    ],
    [
      'relu with a Float64Array',
      () => addon.relu(new Float64Array(4) as unknown as Float32Array, f(4)),
      /Float32Array/,
      TypeError,
    ],
    ['reluGrad with a short y', () => addon.reluGrad(f(8), f(7), f(8)), /y has 7 elements, expected 8/, RangeError],
    ['step with a short output', () => addon.step(f(8), f(2), 0), /y has 2 elements, expected 8/, RangeError],
    [
      'conv2d with a geometry as a list of numbers',
      () => addon.conv2d(f(32), f(54), null, f(48), [1, 4, 4, 2] as unknown as typeof geometry, false, false),
      /geometry must be an object/,
      TypeError,
    ],
    [
      'conv2d with a geometry that lacks outChannels',
      () => addon.conv2d(f(32), f(54), null, f(48), broken(geometry, { outChannels: undefined }), false, false),
      /geometry\.outChannels must be a number/,
      TypeError,
    ],
    [
      'conv2d with a geometry that lacks padInfo',
      () => addon.conv2d(f(32), f(54), null, f(48), broken(geometry, { padInfo: undefined }), false, false),
      /geometry\.padInfo must be an object/,
      TypeError,
    ],
    [
      'conv2d with a fractional stride',
      () => addon.conv2d(f(32), f(54), null, f(48), broken(geometry, { strideHeight: 1.5 }), false, false),
      /geometry\.strideHeight must be an integer, got 1\.5/,
      RangeError,
    ],
    [
      'conv2d with a filter of the wrong size',
      () => addon.conv2d(f(32), f(53), null, f(48), geometry, false, false),
      /filter has 53 elements, expected 54/,
      RangeError,
    ],
    [
      'conv2d with a bias of the wrong size',
      () => addon.conv2d(f(32), f(54), f(2), f(48), geometry, true, false),
      /bias has 2 elements, expected 3/,
      RangeError,
    ],
    [
      'conv2dBackpropInput with a short dx',
      () => addon.conv2dBackpropInput(f(48), f(54), f(31), geometry, false),
      /dx has 31 elements, expected 32/,
      RangeError,
    ],
    [
      'conv2dBackpropFilter with a short dy',
      () => addon.conv2dBackpropFilter(f(32), f(47), f(54), geometry, null, false),
      /dy has 47 elements, expected 48/,
      RangeError,
    ],
    [
      'pool2d with an unknown kind',
      () => addon.pool2d('median' as 'max', f(32), f(8), pool),
      /'max' or 'avg'/,
      TypeError,
    ],
    [
      'pool2dGrad (max) without its input',
      () => addon.pool2dGrad('max', f(8), null, f(32), pool),
      /Float32Array/,
      TypeError,
    ],
    [
      'pool2d with a geometry that changes the channels',
      () => addon.pool2d('max', f(32), f(12), broken(pool, { outChannels: 3 })),
      /outChannels must equal its inChannels \(2\), got 3/,
      RangeError,
    ],
    [
      'matmul with batches that do not broadcast',
      () => addon.matmul(f(2 * 6), f(3 * 6), null, f(3 * 4), dims, false, false),
      /do not broadcast/,
      RangeError,
    ],
    [
      'matmul with a transpose flag that is not a boolean',
      () => addon.matmul(f(2 * 6), f(3 * 6), null, f(3 * 4), broken(dims, { transposeA: 0 }), false, false),
      /dims\.transposeA must be a boolean/,
      TypeError,
    ],
    [
      'adamwUpdate with a short m',
      () => addon.adamwUpdate(f(4), f(4), f(3), f(4), f(4), f(4), f(4), step),
      /m has 3 elements, expected 4/,
      RangeError,
    ],
    [
      'adamwUpdate with a step that lacks its learning rate',
      () => addon.adamwUpdate(f(4), f(4), f(4), f(4), f(4), f(4), f(4), broken(step, { lr: undefined })),
      /step\.lr must be a number/,
      TypeError,
    ],
    [
      'binary with shapes that do not broadcast',
      () => addon.binary('add', f(6), [2, 3], f(2), [1, 2], f(6)),
      /does not broadcast/,
      RangeError,
    ],
    [
      'binary with an unknown op',
      () => addon.binary('pow' as 'add', f(6), [2, 3], f(6), [2, 3], f(6)),
      /unknown binary op 'pow'/,
      TypeError,
    ],
    [
      'reduce with an unknown op',
      () => addon.reduce('prod' as 'sum', f(6), [2, 3], f(2), [2, 1]),
      /unknown reduction 'prod'/,
      TypeError,
    ],
    [
      'conv2d with a geometry oneDNN rejects (output size inconsistent with the input)',
      () => addon.conv2d(f(32), f(54), null, f(12), broken(geometry, { outHeight: 2, outWidth: 2 }), false, false),
      /onednn Conv2D: oneDNN failed/,
      Error,
    ],
    [
      'pool2d with a zero-sized window',
      () =>
        addon.pool2d(
          'avg',
          f(32),
          f(32),
          broken(pool, { outHeight: 4, outWidth: 4, filterHeight: 0, filterWidth: 0, strideHeight: 1, strideWidth: 1 }),
        ),
      /onednn AvgPool: oneDNN failed/,
      Error,
    ],
    [
      'reduce with a yShape of another rank',
      () => addon.reduce('sum', f(6), [2, 3], f(2), [2]),
      /yShape must have 2 entries/,
      RangeError,
    ],
  ];
  for (const [label, call, message, type] of cases) {
    it(label, () => {
      assert.throws(call, (err: unknown) => {
        assert.ok(err instanceof type, `${label}: expected a ${type.name}, got ${String(err)}`);
        assert.match((err as Error).message, message);
        return true;
      });
    });
  }

  it('the addon still computes correctly after those errors, and reads/writes subarray views in place', () => {
    const buffer = Float32Array.from([9, -1, 2, -3, 4, 9]);
    const out = new Float32Array(8).fill(7);
    addon.relu(buffer.subarray(1, 5), out.subarray(2, 6));
    assert.deepEqual([...out], [7, 7, 0, 2, 0, 4, 7, 7]);
  });

  it('setNumThreads rejects 0 with a RangeError', () => {
    assert.throws(() => setNumThreads(0), RangeError);
  });
});

describe('backend registration and threads', () => {
  it('registerOnednnBackend is idempotent and useBackend switches both ways', async () => {
    registerOnednnBackend();
    registerOnednnBackend();
    await useBackend('onednn');
    assert.equal(tf.getBackend(), 'onednn');
    await useBackend('cpu');
    assert.equal(tf.getBackend(), 'cpu');
    await useBackend('onednn');
    assert.equal(tf.getBackend(), 'onednn');
  });

  it('a conv forward+backward gives the same values with 1 thread as with the default', async () => {
    await useBackend('onednn');
    const xs: [number, number, number, number] = [2, 16, 16, 8],
      ws: [number, number, number, number] = [3, 3, 8, 16];
    const xv = values(xs, 501),
      wv = values(ws, 502);
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, xs),
          w = tf.tensor4d(wv, ws);
        const [dx, dw] = tf.grads((a: tf.Tensor, k: tf.Tensor) =>
          tf.relu(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, 'same')),
        )([x, w]);
        return [tf.conv2d(x, w, 2, 'same'), dx!, dw!].map((t) => t.dataSync() as Float32Array);
      });
    const threads = loadAddon().info().threads;
    const parallel = compute();
    setNumThreads(1);
    try {
      assert.equal(loadAddon().info().threads, 1);
      const serial = compute();
      serial.forEach((v, i) => assertClose(v, parallel[i]!, 1e-5, 1e-5, `output ${i} with 1 vs ${threads} threads`));
    } finally {
      setNumThreads(threads);
    }
  });
});
