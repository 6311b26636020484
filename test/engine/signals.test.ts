// Training under signals. oneDNN 2.6's generated GEMM kernels point rsp into the heap while they run, so a signal
// handled inside one used to corrupt the heap and abort the process (free(): "corrupted size vs. prev_size"): under a
// sampling profiler, and at any Ctrl-C or terminal resize that landed in one. The kernels now run with signals
// blocked (native/runtime.h, BlockSignals). Each case trains in a child process with Winograd on, whose batched
// products are such kernels on every CPU, and must finish and exit cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./signals_child.js', import.meta.url));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the child (`steps` training steps); `whileRunning` is called with it once it says "ready". */
function train(nodeArgs: string[], steps: number, whileRunning?: (pid: number, done: () => boolean) => void) {
  return new Promise<Exit>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, CHILD, String(steps)], {
      env: { ...process.env, NIN_WINOGRAD: 'on' },
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      const before = stdout;
      stdout += d.toString();
      if (!before.includes('ready') && stdout.includes('ready'))
        whileRunning?.(child.pid!, () => stdout.includes('done') || child.exitCode !== null);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function assertClean(r: Exit): void {
  assert.equal(r.signal, null, `the child was killed by ${r.signal}: ${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /done/);
}

describe('training under signals', () => {
  it('survives a sampling profiler (node --cpu-prof, a SIGPROF every 50 µs to the JS thread)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nin-cpu-prof-'));
    try {
      assertClean(await train(['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', dir], 12));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives a storm of signals sent to the process (any of its threads may take each one)', async () => {
    let sent = 0;
    const r = await train([], 12, (pid, done) => {
      const burst = () => {
        try {
          if (done()) return;
          for (let i = 0; i < 500; i++) process.kill(pid, 'SIGUSR2');
          sent += 500;
        } catch {
          return; // it has exited: its exit status says how
        }
        setImmediate(burst);
      };
      burst();
    });
    assertClean(r);
    assert.ok(sent >= 1000, `only ${sent} signals were sent while it trained`);
  });
});
