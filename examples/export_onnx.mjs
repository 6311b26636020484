// The model that train_nin.mjs saved, as ONNX for ONNX Runtime, PyTorch's tools or Triton: the same input
// ('image', [batch, 67, 67, 1], pixels / 255), the same logits, model.json's metadata as metadata_props.
import { writeFileSync } from 'node:fs';
import 'nin-d2l/onednn';
import { loadModel, toOnnx } from 'nin-d2l';

const model = await loadModel('my-nin');
const onnx = toOnnx(model);
writeFileSync('my-nin.onnx', onnx);
console.log(`my-nin.onnx: ${onnx.length} bytes, classes ${model.getUserDefinedMetadata().classLabels.join(', ')}`);
