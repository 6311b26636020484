// The library: d2l's names for the chapter (the networks, Module and Classifier, the FashionMNIST DataModule, the
// Trainer and its ProgressBoard), the recipes, saving and loading in TF.js's LayersModel format (also as file://
// URLs of model.save and tf.loadLayersModel), class confidence maps, and the engine's switches. `tf` is the TF.js
// these are built on: use it for tensors, so that one TF.js instance (one engine, one backend registry) serves both.
// The oneDNN backend registers with `import 'nin-d2l/onednn'`, or on the first `useBackend('onednn')`.
export * as tf from '@tensorflow/tfjs';

import { registerFileUrls } from './training/file_urls.js';

registerFileUrls(); // model.save('file://DIR') and tf.loadLayersModel('file://DIR/model.json') in Node

export { AlexNet } from './model/alexnet.js';
export {
  ClassMapsError,
  classMapModel,
  classMaps,
  mapSideAt,
  noMapReason,
  type ImageClassMaps,
} from './model/class_maps.js';
export { Classifier, ImageClassifier, type ImageClassifierOptions } from './model/classifier.js';
export { Module, type Batch, type StepMetrics } from './model/module.js';
export { NiN, ninBlock } from './model/nin.js';
export { VGG, VGG11, VGG11_SMALL, vggBlock, type VGGOptions } from './model/vgg.js';
export { MODELS, MODEL_NAMES, type ModelEntry, type ModelName } from './model/zoo.js';

export {
  DataError,
  FashionMNIST,
  TEXT_LABELS,
  imageToModelInput,
  readFashionMnistSplit,
  textLabels,
  type FashionMNISTOptions,
  type RawSplit,
  type TextLabel,
} from './data/index.js';

export { ONNX_INPUT, OnnxExportError, toOnnx, type OnnxExportOptions } from './export/onnx_export.js';

export {
  explainImages,
  explainedJson,
  type ClassChoice,
  type ExplainedImage,
  type ImageToExplain,
} from './explain/explain_images.js';

export { ModelFileError, fileHandler, fileSaveHandler, loadModel, saveModel } from './training/model_io.js';
export { fileUrlDirectory, registerFileUrls } from './training/file_urls.js';
export { AdamW, makeOptimizer, type OptimizerSettings } from './training/optimizers.js';
export { ProgressBoard } from './training/progress_board.js';
export {
  checkRecipe,
  describeRecipe,
  modelSettings,
  recipePreset,
  RECIPE_NAMES,
  type Recipe,
  type RecipeName,
} from './training/recipe.js';
export { Trainer, type DataModule, type TrainerOptions } from './training/trainer.js';
export type { EpochSummary } from './training/trainer_state.js';
export type { RunRecord } from './training/run_record.js';

export {
  BACKEND_NAME,
  cpuHasBf16,
  engineInfo,
  getPrecision,
  PRECISIONS,
  registerOnednnBackend,
  setNumThreads,
  setPrecision,
  useBackend,
  type Precision,
} from './engine/backend.js';

export { PACKAGE_VERSION } from './version.js';
