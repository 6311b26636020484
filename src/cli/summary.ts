import { networkCost } from '../model/cost.js';
import { MODEL_NAMES, MODELS } from '../model/zoo.js';
import { choice, type Options, parse } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';
import { resizeOption } from './resize_option.js';

export const summaryHelp = `nin summary [--model NAME] [--resize N] [--backend onednn|cpu]

Builds the model for N×N grayscale inputs, walks a random 1×N×N×1 input through the top-level layers printing
each output shape, and prints the parameter count and the multiply-accumulates per image.
  --model NAME        ${MODEL_NAMES.join(', ')} (default nin)
  --resize N          image side (default 224, the chapter's size)
${backendHelp}`;

export const summaryOptions = {
  model: { type: 'string' },
  resize: { type: 'string' },
  ...backendOption,
} satisfies Options;

export async function summary(argv: string[]): Promise<void> {
  const { values } = parse(argv, summaryOptions);
  if (values.help) return void console.log(summaryHelp);
  const v = values as Record<string, string | undefined>;
  const name = choice(v.model, 'model', MODEL_NAMES, 'nin');
  const resize = resizeOption(v.resize, [name]);
  await activateBackend(v.backend, v.precision);
  const model = MODELS[name].create({ resize });
  for (const line of model.layerSummary([1, resize, resize, 1])) console.log(line);
  const cost = networkCost(model.net);
  console.log(
    `Parameters: ${cost.params.toLocaleString('en-US')}${cost.denseParams ? ` (${(100 * cost.denseShare).toFixed(1)}% in dense layers)` : ''}`,
  );
  console.log(`Multiply-accumulates per image: ${(cost.macs / 1e9).toFixed(3)} G`);
}
