// Node module hooks that let Node import the spec files shipped in @tensorflow/tfjs-core's npm package. Those files are
// ES modules written for a bundler: extensionless relative imports, `require` calls inside ES syntax, namespace
// imports of CommonJS packages, and a package.json without "type": "module". The hooks apply only under
// tfjs-core/dist and leave its CommonJS bundle (tf-core.node.js) alone.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIST = '/node_modules/@tensorflow/tfjs-core/dist/';
// seedrandom and long are CommonJS; `import * as x` would hide their properties behind `default`.
const COMMONJS_NAMESPACE_IMPORT = /import \* as (\w+) from '(seedrandom|long)';/g;

function inDist(url: string | undefined): boolean {
  return /^file:/.test(url ?? '') && url!.includes(DIST) && !/\/tf-core[^/]*\.js$/.test(url!);
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type Next<A, R> = (specifier: string, context: A) => Promise<R>;

export async function resolve(
  specifier: string,
  context: { parentURL?: string },
  next: Next<{ parentURL?: string }, Resolved>,
): Promise<Resolved> {
  if (inDist(context.parentURL) && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    for (const candidate of [`${specifier}.js`, `${specifier}/index.js`]) {
      const url = new URL(candidate, context.parentURL).href;
      if (existsSync(fileURLToPath(url))) return { url, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}

type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean };

export async function load(url: string, context: object, next: Next<object, Loaded>): Promise<Loaded> {
  if (!inDist(url) || !url.endsWith('.js')) return next(url, context);
  let source = readFileSync(fileURLToPath(url), 'utf8').replace(COMMONJS_NAMESPACE_IMPORT, "import $1 from '$2';");
  if (/\brequire\(/.test(source)) {
    source = `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);\n${source}`;
  }
  return { format: 'module', source, shortCircuit: true };
}
