// `nin serve` as a user runs it: it prints its URL, serves, and closes on SIGINT/SIGTERM (open live streams
// included); bad options print one line and exit 2.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { useBackend } from '../../src/engine/backend.js';
import { EPOCH_ONE, mkdirp, saveUntrainedModel, writeRun } from './helpers.js';

const NIN = fileURLToPath(new URL('../../src/cli/nin.js', import.meta.url));

/** Starts `nin serve …` and resolves with its URL once it prints it. */
function serve(args: string[]) {
  const child = spawn(process.execPath, [NIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /^nin serve: (http:\/\/127\.0\.0\.1:\d+\/)/m.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`nin serve exited with ${code}: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('nin serve (the command)', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-web-cli-'));
  const runs = mkdirp(join(work, 'runs'));
  before(async () => {
    await useBackend('onednn');
    await saveUntrainedModel(join(work, 'model'));
    writeRun(runs, 'r1', EPOCH_ONE);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints its URL, serves the model and runs, and closes on SIGTERM even with a live stream open', async () => {
    const server = serve(['--model', join(work, 'model'), '--runs', runs]);
    const url = await server.url;
    assert.match(server.output().stdout, /model .*model \(67×67\); runs /);
    assert.equal((await (await fetch(new URL('/api/model', url))).json()).resize, 67);
    const stream = await fetch(new URL('/api/runs/r1/events', url));
    assert.equal(stream.status, 200);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.match(server.output().stderr, /SIGTERM, closing/);
  });

  it('without --model and with no trained run it still starts, and says so', async () => {
    const server = serve(['--runs', join(work, 'no-runs-yet')]);
    await server.url;
    assert.match(server.output().stdout, /no model yet/);
    server.child.kill('SIGINT');
    assert.equal(await server.exited, 0);
  });

  it('--help; bad options, a missing model or a busy port: one line and exit code 2', async () => {
    const help = spawnSync(process.execPath, [NIN, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^nin serve \[--model DIR\]/);

    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const busyPort = String((busy.address() as { port: number }).port);
    const cases: [string[], RegExp][] = [
      [['--port', '70000'], /--port must be at most 65535/],
      [['--port', 'http'], /--port must be an integer ≥ 0/],
      [['--backend', 'gpu'], /--backend must be one of onednn, cpu/],
      [['--bogus'], /unknown option '--bogus'; --help lists the options/],
      [['--model', join(work, 'nowhere')], /no saved model in/],
      [['--model', join(work, 'model'), '--port', busyPort], new RegExp(`port ${busyPort} on 127.0.0.1 is in use`)],
    ];
    try {
      for (const [args, message] of cases) {
        const r = spawnSync(process.execPath, [NIN, 'serve', ...args], { encoding: 'utf8' });
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      }
    } finally {
      busy.close();
    }
  });
});
