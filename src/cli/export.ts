import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ONNX_INPUT, toOnnx } from '../export/onnx_export.js';
import { findModelDir } from '../training/find_model_dir.js';
import { loadModel } from '../training/model_io.js';
import { outputError } from '../training/output_error.js';
import { choice, type Options, parse, UsageError } from './args.js';
import { activateBackend, backendOption } from './backend_option.js';

const FORMATS = ['onnx'] as const;

export const exportHelp = `nin export --model DIR [--format onnx] [--out FILE]

Writes a saved model (any of the zoo's: NiN, AlexNet, VGG) in another format, for other runtimes.
  --model DIR      a run directory (its model, else its newest checkpoint) or a model directory (required)
  --format onnx    ONNX, opset 13 (default; the only format): ONNX Runtime, PyTorch's tools, Triton.
                   Input '${ONNX_INPUT}' [batch, H, W, 1] float32, pixels × 1/255, channels last as in TF.js;
                   output 'logits' [batch, classes]; model.json's metadata (class labels, …) as metadata_props
  --out FILE       where it goes (default: model.onnx beside the model's model.json)
  --backend NAME   onednn (default) or cpu: where the model is loaded (the file is the same)`;

export const exportOptions = {
  model: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  backend: backendOption.backend,
} satisfies Options;

export async function exportModel(argv: string[]): Promise<void> {
  const { values } = parse(argv, exportOptions);
  if (values.help) return void console.log(exportHelp);
  const v = values as Record<string, string | undefined>;
  if (v.model === undefined) throw new UsageError('--model DIR is required');
  choice(v.format, 'format', FORMATS, 'onnx');
  await activateBackend(v.backend);
  const dir = findModelDir(v.model);
  const model = await loadModel(dir);
  const out = v.out ?? join(dir, 'model.onnx');
  const onnx = toOnnx(model);
  try {
    writeFileSync(out, onnx);
  } catch (error) {
    throw outputError(`cannot write ${out} (does ${dirname(out)} exist?)`, error);
  }
  const inputShape = (model.inputs[0]!.shape as (number | null)[]).slice(1);
  const outputShape = (model.outputs[0]!.shape as (number | null)[]).slice(1);
  console.log(
    `${out}: ONNX opset 13, ${(onnx.length / 1e6).toFixed(1)} MB; input '${ONNX_INPUT}' [batch, ${inputShape.join(', ')}] → output 'logits' [batch, ${outputShape.join(', ')}]`,
  );
}
