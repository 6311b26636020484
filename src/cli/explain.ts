import { writeFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs';

import { fashionMnistLike } from '../data/image_file.js';
import { IMAGE_PIXELS } from '../data/fashion_mnist_files.js';
import { readFashionMnistSplit } from '../data/read_split.js';
import { TEXT_LABELS, textLabels, type TextLabel } from '../data/text_labels.js';
import { explainedJson, explainImages, type ClassChoice, type ImageToExplain } from '../explain/explain_images.js';
import { gridSize, mapGridPng } from '../explain/map_grid.js';
import { findModelDir } from '../training/find_model_dir.js';
import { loadModel } from '../training/model_io.js';
import { modelInputSide } from '../model/model_metadata.js';
import { outputError } from '../training/output_error.js';
import { int, type Options, parse, UsageError } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';

export const explainHelp = `nin explain --model DIR [IMAGE...] [--test-index N[,N...]] [--class NAME | --top K] [--out FILE.png] [--json]

Shows where NiN looks: the class confidence maps of its last block (one channel per class, which global average
pooling turns into the class scores; Lin et al., "Visualization of NIN"), upsampled and laid over what the model
sees, with class names and probabilities, in one PNG grid: a row per image, a column per class map. Images are
PNG or JPEG files (made to look like Fashion-MNIST, as nin predict does) or test-set images by index.
  --model DIR         a run directory (its model, else its newest checkpoint) or a model directory (required)
  --test-index N,...  test-set images (0–9999), also repeatable
  --class NAME        only this class's map (${TEXT_LABELS.join(', ')})
  --top K             only the K most probable classes' maps (default: all ${TEXT_LABELS.length}, in class order)
  --out FILE.png      where the grid goes (default class-maps.png; with --json only when given)
  --json              print the raw maps, probabilities and logits as JSON
  --data-dir DIR      where the Fashion-MNIST files are, for --test-index (default: as nin train finds them)
${backendHelp}
Models whose scores come from dense layers (AlexNet, VGG) have no class maps, and NiN's maps are 1×1 (nothing
to show) below about 100 px of input; the error says which input sizes give maps.`;

export const explainOptions = {
  model: { type: 'string' },
  'test-index': { type: 'string', multiple: true },
  class: { type: 'string' },
  top: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  ...backendOption,
} satisfies Options;

export async function explain(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, explainOptions, true);
  if (values.help) return void console.log(explainHelp);
  const v = values as Record<string, string | string[] | boolean | undefined>;
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  const indices = ((v['test-index'] as string[] | undefined) ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => int(s.trim(), 'test-index', { min: 0, max: 9999 }));
  if (positionals.length === 0 && indices.length === 0)
    throw new UsageError('give at least one image file (PNG or JPEG) or --test-index N');
  const choice = classChoice(v.class as string | undefined, v.top as string | undefined);
  await activateBackend(v.backend as string | undefined, v.precision as string | undefined);
  const model = await loadModel(findModelDir(v.model));
  const side = modelInputSide(model);

  const images: ImageToExplain[] = [];
  for (const file of positionals) images.push({ name: file, pixels: await fashionMnistLike(file) });
  if (indices.length) {
    const test = await readFashionMnistSplit('test', {
      dataDir: v['data-dir'] as string | undefined,
      limit: Math.max(...indices) + 1,
    });
    for (const i of indices) {
      images.push({
        name: `test image ${i}`,
        pixels: test.images.slice(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS),
        truth: textLabels([test.labels[i]!])[0]!,
      });
    }
  }
  const explained = explainImages(tf, model, side, images, choice);
  const out = typeof v.out === 'string' ? v.out : v.json ? undefined : 'class-maps.png';
  if (out) {
    const png = await mapGridPng(explained);
    try {
      writeFileSync(out, png);
    } catch (error) {
      throw outputError(`cannot write ${out}`, error);
    }
  }
  if (v.json) return void console.log(JSON.stringify(explained.map(explainedJson), null, 2));
  for (const e of explained) {
    const top = [...e.classes].sort((a, b) => b.probability - a.probability).slice(0, 3);
    console.log(
      `${e.name}${e.truth ? ` (true: ${e.truth})` : ''}: ${e.predicted}; ` +
        top.map((c) => `${c.label} ${(100 * c.probability).toFixed(1)}%`).join(', '),
    );
  }
  const { width, height } = gridSize(explained);
  console.log(
    `class maps ${explained[0]!.height}×${explained[0]!.width} (input ${side}×${side}) → ${out} (${width}×${height} px)`,
  );
}

function classChoice(name: string | undefined, top: string | undefined): ClassChoice {
  if (name !== undefined && top !== undefined) throw new UsageError('give --class or --top, not both');
  if (name !== undefined) {
    if (!TEXT_LABELS.includes(name as TextLabel))
      throw new UsageError(`--class must be one of ${TEXT_LABELS.join(', ')}, got '${name}'`);
    return { label: name as TextLabel };
  }
  return top === undefined ? 'all' : { top: int(top, 'top', { max: TEXT_LABELS.length }) };
}
