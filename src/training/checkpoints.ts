// A run's checkpoints, one directory each under checkpoint/: step-00000120 (after 120 training steps, mid-epoch)
// or step-00000128-end (at the end of an epoch, after its validation). Each is written whole by saveModel (a
// temporary directory, flushed, then renamed), so a directory with a checkpoint's name is always complete; the
// newest `keep` are kept. Resuming takes the newest one that reads back intact, reporting any it had to skip.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { removeStaleTemporaries } from './durable_files.js';
import { MODEL_JSON, saveModel } from './model_io.js';

/** Where in a run a checkpoint was taken: after `step` training steps; `epochEnd` once that epoch is validated. */
export interface CheckpointPosition {
  step: number;
  epochEnd: boolean;
}

export interface Checkpoint extends CheckpointPosition {
  dir: string;
}

const NAME = /^step-(\d{8,})(-end)?$/;

export function checkpointName({ step, epochEnd }: CheckpointPosition): string {
  return `step-${String(step).padStart(8, '0')}${epochEnd ? '-end' : ''}`;
}

export class CheckpointStore {
  constructor(
    readonly dir: string,
    readonly keep = 3,
  ) {
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`checkpoints to keep must be a positive integer, got ${keep}`);
  }

  /** The complete checkpoints, oldest first. */
  list(): Checkpoint[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .flatMap((name) => {
        const match = NAME.exec(name);
        if (!match || !existsSync(join(this.dir, name, MODEL_JSON))) return [];
        return [{ dir: join(this.dir, name), step: Number(match[1]), epochEnd: match[2] !== undefined }];
      })
      .sort((a, b) => a.step - b.step || Number(a.epochEnd) - Number(b.epochEnd));
  }

  /** Saves `net` and `files` as the checkpoint at `position`, then drops all but the newest `keep`. */
  async write(
    net: tf.LayersModel,
    position: CheckpointPosition,
    files: Record<string, string | Uint8Array>,
  ): Promise<string> {
    const dir = join(this.dir, checkpointName(position));
    await saveModel(net, dir, files);
    this.prune();
    return dir;
  }

  /**
   * The newest checkpoint that `read` accepts, with what `read` made of it. Newer ones it rejects (damaged on the
   * disk: every checkpoint is renamed into place whole) are renamed to `<name>.damaged`, kept for a look but no
   * longer counted, and `skipped` hears of each.
   */
  async readNewest<T>(
    read: (dir: string) => Promise<T>,
    skipped: (dir: string, reason: string) => void,
  ): Promise<{ dir: string; value: T } | undefined> {
    for (const checkpoint of this.list().reverse()) {
      try {
        return { dir: checkpoint.dir, value: await read(checkpoint.dir) };
      } catch (error) {
        skipped(checkpoint.dir, (error as Error).message);
        rmSync(`${checkpoint.dir}.damaged`, { recursive: true, force: true });
        renameSync(checkpoint.dir, `${checkpoint.dir}.damaged`);
      }
    }
    return undefined;
  }

  /**
   * Clears up after a killed process: removes temporary directories, and puts back a checkpoint that saveModel
   * had moved to `<name>.old` to replace it when the kill came before the replacement was in place.
   */
  removeIncomplete(): void {
    removeStaleTemporaries(this.dir);
    if (!existsSync(this.dir)) return;
    for (const name of readdirSync(this.dir).filter((n) => n.endsWith('.old'))) {
      const old = join(this.dir, name),
        replaced = old.slice(0, -'.old'.length);
      if (existsSync(replaced)) rmSync(old, { recursive: true, force: true });
      else renameSync(old, replaced);
    }
  }

  private prune(): void {
    const all = this.list();
    for (const old of all.slice(0, Math.max(0, all.length - this.keep)))
      rmSync(old.dir, { recursive: true, force: true });
  }
}
