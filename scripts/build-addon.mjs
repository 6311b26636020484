// Builds the oneDNN addon during `npm install`/`npm ci`. Without oneDNN the install still succeeds: the `cpu`
// backend works, the reason is kept in build/addon-skipped.txt, and asking for `onednn` throws an error that
// gives it and names the package to install.
// oneDNN is found through DNNL_ROOT (a prefix with include/dnnl.hpp and lib/libdnnl.so), else `pkg-config dnnl`,
// else the system's /usr/include (Debian's libdnnl-dev).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const skipFile = join(packageDir, 'build', 'addon-skipped.txt');

function skip(reason) {
  console.warn(`nin: skipping the oneDNN addon: ${reason}`);
  mkdirSync(dirname(skipFile), { recursive: true });
  writeFileSync(skipFile, `${reason}\n`);
  process.exit(0);
}

/** gyp variables for oneDNN's headers and library, or a reason why there is no oneDNN to build against. */
function findOneDnn() {
  const root = process.env.DNNL_ROOT;
  if (root) {
    const include = join(root, 'include'),
      lib = join(root, 'lib');
    if (!existsSync(join(include, 'dnnl.hpp'))) return { reason: `DNNL_ROOT=${root} has no include/dnnl.hpp` };
    return { variables: [`-Ddnnl_include=${include}`, `-Ddnnl_libdir=${lib}`] };
  }
  const pkg = (flag) => spawnSync('pkg-config', [flag, 'dnnl'], { encoding: 'utf8' });
  const include = pkg('--variable=includedir'),
    libdir = pkg('--variable=libdir');
  if (include.status === 0 && libdir.status === 0 && existsSync(join(include.stdout.trim(), 'dnnl.hpp'))) {
    return { variables: [`-Ddnnl_include=${include.stdout.trim()}`, `-Ddnnl_libdir=${libdir.stdout.trim()}`] };
  }
  if (existsSync('/usr/include/dnnl.hpp')) return { variables: [] };
  return {
    reason:
      'oneDNN was not found (no DNNL_ROOT, no `pkg-config dnnl`, no /usr/include/dnnl.hpp); install it with: apt-get install libdnnl-dev',
  };
}

/** node-gyp: the pinned devDependency in a checkout; in an installed package, the one npm ships (npm_config_node_gyp). */
function findNodeGyp() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // never `npx node-gyp`, which would download another version
    const gyp = process.env.npm_config_node_gyp;
    return gyp && existsSync(gyp) ? gyp : undefined;
  }
}

const onednn = findOneDnn();
if (onednn.reason) skip(onednn.reason);
const gyp = findNodeGyp();
if (!gyp) skip("no node-gyp to build it with (neither the devDependency nor npm's own): run `npm rebuild` with npm");
// Build against the headers of the running Node when they are installed beside it, so nothing is downloaded.
const args = [gyp, 'rebuild', '--jobs', 'max'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
if (onednn.variables.length) args.push('--', ...onednn.variables);
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: packageDir });
if (result.status !== 0) skip(`node-gyp rebuild failed (exit ${result.status}; its output is above, in npm's log)`);
rmSync(skipFile, { force: true });
process.exit(0);
