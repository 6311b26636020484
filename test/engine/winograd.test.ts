// Winograd convolutions (native/winograd.cc) and their switch, NIN_WINOGRAD=auto|on|off. The kernel tests compare
// every Winograd case with the cpu backend on whatever route this CPU takes (auto: Winograd without AVX-512); here
// child processes force each route, so both are checked on every CPU, and the switch is shown to change the route.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

import { convCases } from './conv_cases.js';

const root = new URL('../../../', import.meta.url);
// (without NODE_TEST_CONTEXT: a test run inside this one reports as a run of its own, in TAP)
const { NODE_TEST_CONTEXT: _, ...env } = process.env;
const node = (args: string[], winograd: string) =>
  spawnSync(process.execPath, args, {
    encoding: 'utf8',
    cwd: root,
    env: { ...env, NIN_WINOGRAD: winograd },
    maxBuffer: 64 << 20,
  });

// NiN's 5×5 layer in small (7×7 maps, F(4,5)) and its 3×3 layer (3×3 maps, F(3,3)): forward, data and filter
// gradients on the onednn backend, printed with whether the addon says Winograd is on.
const layerScript = `
  import * as tf from '@tensorflow/tfjs';
  import { engineInfo, useBackend } from './dist/src/engine/backend.js';
  import { values } from './dist/test/engine/helpers.js';
  await useBackend('onednn');
  const out = [];
  for (const [xs, ws] of [[[4, 7, 7, 32], [5, 5, 32, 48]], [[4, 3, 3, 32], [3, 3, 32, 40]]]) {
    const x = tf.tensor4d(values(xs, 1), xs), w = tf.tensor4d(values(ws, 2, -0.5, 0.5), ws);
    const y = tf.conv2d(x, w, 1, 'same');
    const [dx, dw] = tf.grads((a, b) => tf.conv2d(a, b, 1, 'same'))([x, w], tf.tensor(values(y.shape, 3), y.shape));
    out.push(...[y, dx, dw].map((t) => Array.from(t.dataSync())));
  }
  console.log(JSON.stringify({ winograd: engineInfo().winograd, out }));`;

function layers(winograd: string): { winograd: boolean; out: number[][] } {
  const r = node(['--input-type=module', '-e', layerScript], winograd);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('Winograd convolutions (NIN_WINOGRAD)', () => {
  it('every Winograd case of the kernel tests passes against cpu with NIN_WINOGRAD=on, and with off', () => {
    const cases = convCases.filter((c) => c.winograd).length;
    assert.ok(cases >= 6);
    for (const mode of ['on', 'off']) {
      const r = node(
        ['--test', '--test-reporter=tap', '--test-name-pattern=^Winograd', 'dist/test/engine/kernels.test.js'],
        mode,
      );
      assert.equal(r.status, 0, `NIN_WINOGRAD=${mode}:\n${r.stdout.slice(-3000)}\n${r.stderr}`);
      const passed = r.stdout.match(/^# pass (\d+)/m);
      assert.ok(passed && Number(passed[1]) >= cases, `NIN_WINOGRAD=${mode}: ${passed?.[0]} of ${cases} cases`);
    }
  });

  it('on and off compute the same convolutions by different routes: equal within Winograd’s rounding, not to the bit', () => {
    const on = layers('on'),
      off = layers('off');
    assert.equal(on.winograd, true);
    assert.equal(off.winograd, false);
    on.out.forEach((values, i) => {
      const reference = off.out[i]!;
      const scale = Math.max(...reference.map(Math.abs));
      const worst = Math.max(...values.map((v, j) => Math.abs(v - reference[j]!)));
      assert.ok(worst > 0, `output ${i}: bit-identical, so NIN_WINOGRAD=on did not take the Winograd route`);
      assert.ok(worst <= 1e-4 * scale, `output ${i}: differs by ${worst}, ${worst / scale} of its scale`);
    });
  });

  it('a value other than auto, on or off is an error that names them', () => {
    const r = node(['--input-type=module', '-e', layerScript], 'fast');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /NIN_WINOGRAD must be auto, on or off, not 'fast'/);
  });
});
