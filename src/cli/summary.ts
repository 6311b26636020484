import { networkCost } from '../model/cost.js';
import { MODEL_NAMES, MODELS } from '../model/zoo.js';
import { choice, parse } from './args.js';
import { activateBackend, backendOption } from './backend_option.js';
import { resizeOption } from './resize_option.js';

export const summaryHelp = `nin summary [--model NAME] [--resize N] [--backend onednn|cpu]

Builds the model (default nin; also ${MODEL_NAMES.filter((n) => n !== 'nin').join(', ')}) for N×N grayscale inputs (default 224,
the chapter's size), walks a random 1×N×N×1 input through the top-level layers printing each output shape, and
prints the parameter count and the multiply-accumulates per image.`;

export async function summary(argv: string[]): Promise<void> {
  const { values } = parse(argv, { model: { type: 'string' }, resize: { type: 'string' }, ...backendOption });
  if (values.help) return void console.log(summaryHelp);
  const v = values as Record<string, string | undefined>;
  const name = choice(v.model, 'model', MODEL_NAMES, 'nin');
  const resize = resizeOption(v.resize);
  await activateBackend(v.backend, v.precision);
  const model = MODELS[name].create({ resize });
  for (const line of model.layerSummary([1, resize, resize, 1])) console.log(line);
  const cost = networkCost(model.net);
  console.log(`Parameters: ${cost.params.toLocaleString('en-US')}` + (cost.denseParams ? ` (${(100 * cost.denseShare).toFixed(1)}% in dense layers)` : ''));
  console.log(`Multiply-accumulates per image: ${(cost.macs / 1e9).toFixed(3)} G`);
}
