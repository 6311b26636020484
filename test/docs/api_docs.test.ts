// `npm run docs`: TypeDoc builds the API reference from the doc comments of the public entry points (src/index.ts,
// src/onednn.ts) without a warning (typedoc.json treats warnings as errors: broken links, bad tags).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // from dist/test/docs/

describe('API docs', () => {
  it('npm run docs builds them with no warning, with a page for each of the main names', () => {
    const out = mkdtempSync(join(tmpdir(), 'nin-api-docs-'));
    try {
      const r = spawnSync('npm', ['run', 'docs', '--silent', '--', '--out', out], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /warning/i);
      for (const page of [
        'classes/index.NiN.html',
        'classes/index.Trainer.html',
        'classes/index.FashionMNIST.html',
        'functions/index.toOnnx.html',
      ]) {
        assert.ok(existsSync(join(out, page)), `${page} exists`);
      }
      assert.match(
        readFileSync(join(out, 'functions/index.toOnnx.html'), 'utf8'),
        /The ONNX file of a Sequential TF\.js model/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
