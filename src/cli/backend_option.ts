import { EngineUnavailableError } from '../engine/addon.js';
import { cpuHasBf16, NO_BF16, type Precision, useBackend } from '../engine/backend.js';
import { choice, UsageError } from './args.js';

export const BACKENDS = ['onednn', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const PRECISION_CHOICES = ['fp32', 'bf16', 'auto'] as const;

export const backendOption = { backend: { type: 'string' as const }, precision: { type: 'string' as const } };

export const backendHelp = `  --backend NAME      onednn (default) or cpu
  --precision P       fp32 (default); bf16: convolutions and dense layers compute in bfloat16 (needs a CPU with
                      AVX512-BF16; weights, optimizer and loss stay fp32); auto: bf16 where the CPU has it`;

/**
 * Activates the backend named by --backend (default onednn) at the --precision asked for, before any model is
 * built. bf16 where it cannot run is a usage error; auto falls back to fp32 and says so.
 */
export async function activateBackend(value: string | undefined, precisionValue?: string): Promise<BackendName> {
  const name = choice(value, 'backend', BACKENDS, 'onednn');
  const asked = choice(precisionValue, 'precision', PRECISION_CHOICES, 'fp32');
  let precision: Precision = asked === 'auto' ? 'bf16' : asked;
  if (precision === 'bf16' && name !== 'onednn') {
    if (asked !== 'auto') throw new UsageError(`--precision bf16 needs --backend onednn, not ${name}`);
    precision = 'fp32';
  } else if (precision === 'bf16' && !cpuHasBf16()) {
    if (asked !== 'auto') throw new UsageError(`--precision bf16 ${NO_BF16}`);
    process.stderr.write('nin: --precision auto: this CPU has no AVX512-BF16, computing in fp32\n');
    precision = 'fp32';
  }
  try {
    await useBackend(name, { precision });
  } catch (err) {
    if (!(err instanceof EngineUnavailableError)) throw err;
    throw new EngineUnavailableError(`${err.message} Or run without it: --backend cpu (much slower).`);
  }
  return name;
}
