import { NiN } from '../model/nin.js';
import { parse } from './args.js';
import { activateBackend, backendOption } from './backend_option.js';
import { resizeOption } from './resize_option.js';

export const summaryHelp = `nin summary [--resize N] [--backend onednn|cpu]

Builds NiN for N×N grayscale inputs (default 224, the chapter's size), walks a random 1×N×N×1 input through the
top-level layers printing each output shape, and prints the parameter count.`;

export async function summary(argv: string[]): Promise<void> {
  const { values } = parse(argv, { resize: { type: 'string' }, ...backendOption });
  if (values.help) return void console.log(summaryHelp);
  const v = values as Record<string, string | undefined>;
  const resize = resizeOption(v.resize);
  await activateBackend(v.backend);
  const model = new NiN({ resize });
  for (const line of model.layerSummary([1, resize, resize, 1])) console.log(line);
  console.log(`Parameters: ${model.countParams().toLocaleString('en-US')}`);
}
