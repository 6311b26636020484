import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { FashionMNIST, MIN_RESIZE } from '../data/index.js';
import type { Classifier } from '../model/classifier.js';
import { NiN } from '../model/nin.js';
import { runRecord } from '../training/run_record.js';
import { newRunName, RunDir } from '../training/run_dir.js';
import { saveModel } from '../training/model_io.js';
import { Trainer } from '../training/trainer.js';
import { int, parse, positiveNumber, UsageError } from './args.js';
import { activateBackend, backendOption } from './backend_option.js';

export const trainHelp = `nin train [options]

Trains NiN on Fashion-MNIST the d2l way (softmax cross-entropy, SGD) and writes a run directory: metrics
(JSON lines, CSV), the training curves (SVG, PNG), a checkpoint per epoch, the final model (TF.js format) and a
run record. The defaults are the chapter's run: --resize 224 --epochs 10 --lr 0.05 --batch-size 128.

  --epochs E          epochs to train (default 10)
  --lr X              SGD learning rate (default 0.05)
  --batch-size B      (default 128)
  --resize N          image side the 28×28 images are resized to (default 224, at least ${MIN_RESIZE})
  --seed S            weight initialisation and data order (default 0)
  --data-dir DIR      Fashion-MNIST idx files (.gz or plain); default: $FASHION_MNIST_DIR, the cache,
                      Debian's dataset-fashion-mnist, else a download
  --out DIR           run directory (default runs/<date-time>)
  --limit-train N     train on the first N training images only
  --limit-test N      validate on the first N test images only
  --backend NAME      onednn (default) or cpu
  --resume DIR        continue the run in DIR from its last checkpoint (its settings are reused)`;

export interface TrainConfig {
  epochs: number; lr: number; batchSize: number; resize: number; seed: number;
  dataDir?: string; limitTrain?: number; limitTest?: number; backend: string;
}

export async function train(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    epochs: { type: 'string' }, lr: { type: 'string' }, 'batch-size': { type: 'string' }, resize: { type: 'string' },
    seed: { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string' }, 'limit-train': { type: 'string' },
    'limit-test': { type: 'string' }, resume: { type: 'string' }, ...backendOption,
  });
  if (values.help) return void console.log(trainHelp);
  const v = values as Record<string, string | undefined>;

  let run: RunDir;
  let config: TrainConfig;
  if (v.resume) {
    run = new RunDir(resolve(v.resume));
    if (!existsSync(run.record)) throw new UsageError(`--resume ${v.resume}: not a run directory (no record.json)`);
    const previous = run.readJson<{ config: TrainConfig }>(run.record).config;
    // a resumed run keeps its settings; only the number of epochs may grow
    config = { ...previous, epochs: int(v.epochs, 'epochs', { fallback: previous.epochs }) };
  } else {
    config = {
      epochs: int(v.epochs, 'epochs', { fallback: 10 }),
      lr: positiveNumber(v.lr, 'lr', 0.05),
      batchSize: int(v['batch-size'], 'batch-size', { fallback: 128 }),
      resize: int(v.resize, 'resize', { min: MIN_RESIZE, fallback: 224 }),
      seed: int(v.seed, 'seed', { min: 0, fallback: 0 }),
      dataDir: v['data-dir'],
      limitTrain: v['limit-train'] === undefined ? undefined : int(v['limit-train'], 'limit-train'),
      limitTest: v['limit-test'] === undefined ? undefined : int(v['limit-test'], 'limit-test'),
      backend: v.backend ?? 'onednn',
    };
    run = new RunDir(resolve(v.out ?? join('runs', newRunName())));
    if (existsSync(run.record)) throw new UsageError(`--out ${run.path} already holds a run; use --resume to continue it`);
  }
  const backend = await activateBackend(config.backend);
  const data = new FashionMNIST({
    batchSize: config.batchSize, resize: config.resize, seed: config.seed, dataDir: config.dataDir,
    limitTrain: config.limitTrain, limitTest: config.limitTest,
  });
  try {
    await data.prepare();
    await trainRun(run, config, backend, data);
  } finally {
    data.close();
  }
}

/** Trains `model` (by default the chapter's NiN for `config`) into `run`: records, metrics, curves, checkpoints, model. */
export async function trainRun(
  run: RunDir, config: TrainConfig, backend: string, data: FashionMNIST,
  model: Classifier = new NiN({ resize: config.resize, lr: config.lr, seed: config.seed }),
): Promise<void> {
  run.create();
  const trainer = new Trainer({ maxEpochs: config.epochs, runDir: run });
  const writeRecord = () => run.writeJson(run.record, runRecord({ config, backend, model, data, trainer }));
  writeRecord();
  console.error(`run ${run.path}: NiN (${model.countParams().toLocaleString('en-US')} parameters) on ${backend}, ` +
    `${data.numTrainExamples()} training / ${data.numValExamples()} test images at ${config.resize}×${config.resize}`);
  await trainer.fit(model, data);
  await saveModel(model.net, run.model);
  writeRecord();
  console.error(`model saved to ${run.model}; curves in ${run.curvesPng}`);
}
