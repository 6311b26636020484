// The run record: everything needed to know what a run was and to reproduce it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { engineInfo, getPrecision } from '../engine/backend.js';
import type { Classifier } from '../model/classifier.js';
import type { Trainer } from './trainer.js';

export interface RecordInputs {
  config: object;
  backend: string;
  model: Classifier;
  data: { checksums(): Record<string, { size: number; sha256: string }> };
  trainer: Trainer;
}

export function runRecord({ config, backend, model, data, trainer }: RecordInputs) {
  const require = createRequire(import.meta.url);
  const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
  return {
    config,
    model: { name: model.constructor.name, parameters: model.countParams() },
    versions: {
      nin: ninVersion(), node: process.version, tfjs: version('@tensorflow/tfjs'), onednn: engineInfo()?.version,
    },
    backend,
    precision: getPrecision(),
    data: data.checksums(),
    epochs: trainer.summaries,
    updated: new Date().toISOString(),
  };
}

function ninVersion(): string {
  const pkg = new URL('../../../package.json', import.meta.url); // dist/src/training → package root
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}
