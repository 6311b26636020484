// The package's version, read from its package.json (two folders up from this file, in src/ and in dist/src/ alike).
import { readFileSync } from 'node:fs';

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
