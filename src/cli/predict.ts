import { fashionMnistLike } from '../data/image_file.js';
import { classProbabilities } from '../model/class_probabilities.js';
import { topClasses } from '../model/top_classes.js';
import { findModelDir } from '../training/find_model_dir.js';
import { loadModel } from '../training/model_io.js';
import { modelInputSide } from '../model/model_metadata.js';
import { type Options, parse, UsageError } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';

export const predictHelp = `nin predict --model DIR IMAGE... [--json] [--backend onednn|cpu] [--precision fp32|bf16|auto]

Classifies PNG or JPEG images with a saved model. Each image is made to look like Fashion-MNIST (grayscale,
fitted into 28×28 on a dark background, inverted when its background is light), then resized like the training
data. Prints the top-3 classes with probabilities.
  --model DIR         a run directory (its model, else its newest checkpoint) or a model directory (required)
  --json              print the classes and probabilities as JSON
${backendHelp}`;

export const predictOptions = {
  model: { type: 'string' },
  json: { type: 'boolean' },
  ...backendOption,
} satisfies Options;

export async function predict(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, predictOptions, true);
  if (values.help) return void console.log(predictHelp);
  const v = values as Record<string, string | boolean | undefined>;
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  if (positionals.length === 0) throw new UsageError('give at least one image file (PNG or JPEG)');
  await activateBackend(v.backend as string | undefined, v.precision as string | undefined);
  const model = await loadModel(findModelDir(v.model));
  const resize = modelInputSide(model);
  const results = [];
  for (const file of positionals) {
    const pixels = await fashionMnistLike(file);
    results.push({ file, top: topClasses(classProbabilities(model, pixels, resize), 3) });
  }
  if (v.json) return void console.log(JSON.stringify(results, null, 2));
  for (const r of results) {
    console.log(`${r.file}: ${r.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
  }
}
