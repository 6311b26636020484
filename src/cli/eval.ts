import * as tf from '@tensorflow/tfjs';

import { imagesToModelInput, readFashionMnistSplit, TEXT_LABELS } from '../data/index.js';
import { classScoreStats, flipAveraged } from '../model/classifier.js';
import { addBatch, classHealth, emptyTotals } from '../training/class_health.js';
import { findModelDir } from '../training/find_model_dir.js';
import { loadModel } from '../training/model_io.js';
import { modelInputSide } from '../model/model_metadata.js';
import { choice, int, type Options, parse, UsageError } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';

export const evalHelp = `nin eval --model DIR [--data-dir DIR] [--limit-test N] [--batch-size B] [--tta on|off] [--json]
                [--backend onednn|cpu] [--precision fp32|bf16|auto]

Evaluates a saved model (a run directory or a model directory) on the Fashion-MNIST test split: accuracy,
per-class accuracy, the confusion matrix (rows: true class, columns: predicted class), and the classes that are
dead (score 0 for every test image: no gradient reaches them in training) or never predicted.
  --model DIR         a run directory (its model, else its newest checkpoint) or a model directory (required)
  --data-dir DIR      Fashion-MNIST idx files (default: as nin train finds them)
  --limit-test N      only the first N test images (default all 10,000)
  --batch-size B      images per forward pass (default 256)
  --tta on|off        on: average the logits of each image and its mirror image (flip test-time augmentation;
                      default off)
  --json              print the results as JSON
${backendHelp}`;

export const evalOptions = {
  model: { type: 'string' },
  'data-dir': { type: 'string' },
  'limit-test': { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
  tta: { type: 'string' },
  ...backendOption,
} satisfies Options;

export async function evaluate(argv: string[]): Promise<void> {
  const { values } = parse(argv, evalOptions);
  if (values.help) return void console.log(evalHelp);
  const v = values as Record<string, string | undefined>;
  if (!v.model) throw new UsageError('--model DIR is required');
  const batchSize = int(v['batch-size'], 'batch-size', { fallback: 256 });
  const limit = v['limit-test'] === undefined ? undefined : int(v['limit-test'], 'limit-test');
  const tta = choice(v.tta, 'tta', ['on', 'off'], 'off') === 'on';
  await activateBackend(v.backend, v.precision);
  const model = await loadModel(findModelDir(v.model));
  const resize = modelInputSide(model);
  const split = await readFashionMnistSplit('test', { dataDir: v['data-dir'], limit });

  const k = TEXT_LABELS.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const scores = emptyTotals(k);
  for (let start = 0; start < split.count; start += batchSize) {
    const n = Math.min(batchSize, split.count - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(imagesToModelInput(split.images, start, n, resize), [n, resize, resize, 1]);
      const predict = (images: tf.Tensor4D) => model.predict(images) as tf.Tensor;
      const yHat = tta ? flipAveraged(predict, x) : predict(x);
      addBatch(scores, classScoreStats(yHat, k));
      return tf.argMax(yHat, 1).dataSync();
    });
    for (let i = 0; i < n; i++) confusion[split.labels[start + i]!]![predicted[i]!]!++;
  }
  const correct = confusion.reduce((s, row, i) => s + row[i]!, 0);
  const perClass = confusion.map((row, i) => ({
    label: TEXT_LABELS[i]!,
    accuracy:
      row[i]! /
      Math.max(
        1,
        row.reduce((a, b) => a + b, 0),
      ),
    count: row.reduce((a, b) => a + b, 0),
  }));
  const health = classHealth(scores, TEXT_LABELS);
  const result = {
    accuracy: correct / split.count,
    examples: split.count,
    tta,
    ...health,
    perClass,
    confusion,
    labels: TEXT_LABELS,
  };
  if (v.json) return void console.log(JSON.stringify(result, null, 2));
  console.log(
    `accuracy ${(100 * result.accuracy).toFixed(2)}% on ${split.count} test images${tta ? ' (with flip TTA)' : ''}\n`,
  );
  if (health.deadClasses.length)
    console.log(`dead classes (score 0 for every test image): ${health.deadClasses.join(', ')}`);
  if (health.neverPredicted.length) console.log(`never predicted: ${health.neverPredicted.join(', ')}`);
  if (health.deadClasses.length || health.neverPredicted.length) console.log('');
  for (const c of perClass)
    console.log(`  ${c.label.padEnd(11)} ${(100 * c.accuracy).toFixed(1).padStart(5)}%  (${c.count})`);
  console.log('\nconfusion matrix (rows: true, columns: predicted)');
  console.log(' '.repeat(12) + TEXT_LABELS.map((_, j) => String(j).padStart(5)).join(''));
  confusion.forEach((row, i) =>
    console.log(`${i} ${TEXT_LABELS[i]!.padEnd(10)}${row.map((c) => String(c).padStart(5)).join('')}`),
  );
}
