// Runs the compiled `nin` command in a child process, as a user would, and returns its exit code and output.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const NIN = fileURLToPath(new URL('../../src/cli/nin.js', import.meta.url));

export function nin(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [NIN, ...args], { encoding: 'utf8', env: { ...process.env, NIN_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
