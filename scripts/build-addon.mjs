// Builds the oneDNN addon during `npm install`/`npm ci`. Without oneDNN's headers the install still
// succeeds: the `cpu` backend works, and asking for `onednn` throws an error naming the package to install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const header = '/usr/include/dnnl.hpp';
if (!existsSync(header)) {
  console.warn(`nin: ${header} not found, skipping the oneDNN addon (install it with: apt-get install libdnnl-dev)`);
  process.exit(0);
}
// node-gyp is a pinned devDependency: `npx node-gyp` would try to download another version.
const require = createRequire(import.meta.url);
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  console.warn('nin: node-gyp is not installed (devDependency), skipping the oneDNN addon');
  process.exit(0);
}
// Build against the headers of the running Node when they are installed beside it, so nothing is downloaded.
const args = [gyp, 'rebuild', '--jobs', 'max'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (result.status !== 0) {
  console.warn('nin: building the oneDNN addon failed; the `onednn` backend will be unavailable');
}
process.exit(0);
