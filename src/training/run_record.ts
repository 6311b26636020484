// The run record (record.json): everything needed to know what a run was and to reproduce it. Written by
// `nin train` and `nin compare` through runRecord, read back as RunRecord (resume) or RunRecordOnDisk (the web page).
import { createRequire } from 'node:module';

import { engineInfo, getPrecision, type Precision } from '../engine/backend.js';
import type { Classifier } from '../model/classifier.js';
import { PACKAGE_VERSION } from '../version.js';
import type { Trainer } from './trainer.js';
import type { EpochSummary } from './trainer_state.js';

export interface RunRecord<Config = Record<string, unknown>> {
  /** what the run was started with (for nin train: its options, the recipe's every setting) */
  config: Config;
  model: { name: string; parameters: number };
  versions: { nin: string; node: string; tfjs: string; onednn: string | undefined };
  backend: string;
  precision: Precision;
  /** on onednn: whether fp32 3×3 and 5×5 convolutions ran as Winograd (NIN_WINOGRAD; their rounding differs) */
  winograd?: boolean;
  /** the data files' sizes and SHA-256 sums */
  data: Record<string, { size: number; sha256: string }>;
  /** one per finished epoch */
  epochs: EpochSummary[];
  /** when the record was last written (ISO 8601) */
  updated: string;
}

/** A record.json as read from disk, before it is checked: any field may be missing or of another type. */
export interface RunRecordOnDisk {
  config?: Record<string, unknown>;
  model?: { name?: unknown; parameters?: unknown };
  epochs?: Partial<EpochSummary>[];
  [key: string]: unknown;
}

export interface RecordInputs {
  config: object;
  backend: string;
  model: Classifier;
  data: { checksums(): Record<string, { size: number; sha256: string }> };
  trainer: Trainer;
}

export function runRecord<Config extends object>({
  config,
  backend,
  model,
  data,
  trainer,
}: RecordInputs & { config: Config }): RunRecord<Config> {
  const require = createRequire(import.meta.url);
  const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
  return {
    config,
    model: { name: model.constructor.name, parameters: model.countParams() },
    versions: {
      nin: PACKAGE_VERSION,
      node: process.version,
      tfjs: version('@tensorflow/tfjs'),
      onednn: engineInfo()?.version,
    },
    backend,
    precision: getPrecision(),
    winograd: engineInfo()?.winograd,
    data: data.checksums(),
    epochs: trainer.summaries,
    updated: new Date().toISOString(),
  };
}
