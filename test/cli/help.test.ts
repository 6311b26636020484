// What a user finds in the command's own words: every option each command accepts is described in its --help,
// a mistyped option or command gets the nearest right one, and --version prints the package's version.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { COMMANDS } from '../../src/cli/commands.js';
import { closest } from '../../src/cli/did_you_mean.js';
import { nin } from '../support/nin_cli.js';

describe('nin --help, --version and mistakes', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    it(`nin ${name} --help describes every option ${name} accepts, and no other`, () => {
      const described = new Set([...command.help.matchAll(/^\s+--([a-z0-9-]+)/gm)].map((m) => m[1]));
      assert.deepEqual(
        Object.keys(command.options).filter((o) => !described.has(o)),
        [],
        'accepted but not described',
      );
      assert.deepEqual(
        [...described].filter((o) => !(o in command.options)),
        [],
        'described but not accepted',
      );
    });
  }

  it('prints the help of a command with --help and exits 0', () => {
    const r = nin('eval', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^nin eval --model DIR/);
  });

  it('names the nearest option or command for a typo, and nothing for a word far from all', () => {
    const r = nin('train', '--epoch', '3');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--epoch' \(did you mean --epochs\?\)/);
    assert.match(nin('trian').stderr, /unknown command 'trian' \(did you mean train\?\)/);
    assert.match(nin('eval', '--modle', 'x').stderr, /did you mean --model\?/);
    assert.doesNotMatch(nin('train', '--xyz', '1').stderr, /did you mean/);
    assert.equal(closest('lr', ['lr', 'seed']), 'lr');
    assert.equal(closest('size', ['batch-size', 'resize']), undefined);
  });

  it('nin --version prints the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const r = nin('--version');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), version);
  });
});
