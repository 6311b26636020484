// The model directory behind what a user names for eval and predict: a model directory, or a run directory (its
// final model, else — a run still training or interrupted — its newest checkpoint).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { CheckpointStore } from './checkpoints.js';
import { MODEL_JSON, ModelFileError, resolveModelDir } from './model_io.js';
import { RunDir } from './run_dir.js';

export function findModelDir(dir: string): string {
  const run = new RunDir(dir);
  const newestCheckpoint = new CheckpointStore(run.checkpoint).list().at(-1)?.dir;
  for (const candidate of [dir, run.model, ...(newestCheckpoint ? [newestCheckpoint] : [])]) {
    const resolved = resolveModelDir(candidate);
    if (existsSync(join(resolved, MODEL_JSON))) return resolved;
  }
  throw new ModelFileError(
    `no saved model in ${dir} (looked for ${MODEL_JSON} there, in model/ and in checkpoint/step-*/)`,
  );
}
