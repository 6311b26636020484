// Saving and loading in TF.js's LayersModel format (model.json + weights.bin), the format stock
// `tf.loadLayersModel` reads in Node and in the browser. The Node build of TF.js has no file:// handler without
// tfjs-node, so these two small handlers do the file I/O. Saves never leave a half-written model: files go to a
// temporary directory, which then replaces the target (the previous version is kept as `<dir>.old` until the new one
// is in place, and `resolveModelDir` falls back to it if a crash came in between).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Saves `model` (and `extraFiles`, name → content, e.g. a checkpoint's state) into `dir`. */
export async function saveModel(model: tf.LayersModel, dir: string, extraFiles: Record<string, string> = {}): Promise<void> {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
      writeFileSync(join(tmp, WEIGHTS_BIN), weights);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      };
      writeFileSync(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  for (const [name, content] of Object.entries(extraFiles)) writeFileSync(join(tmp, name), content);
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** `dir`, or the previous version `<dir>.old` when a save was interrupted between its two renames. */
export function resolveModelDir(dir: string): string {
  return !existsSync(join(dir, MODEL_JSON)) && existsSync(join(`${dir}.old`, MODEL_JSON)) ? `${dir}.old` : dir;
}

/** A TF.js IOHandler reading model.json and its weight files from a directory. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonPath = join(dir, MODEL_JSON);
      if (!existsSync(jsonPath)) throw new Error(`no ${MODEL_JSON} in ${dir}: is this a saved model or run directory?`);
      const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
      }
      const total = buffers.reduce((n, b) => n + b.byteLength, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const b of buffers) {
        weightData.set(b, offset);
        offset += b.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: weightData.buffer,
      };
    },
  };
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileHandler(resolveModelDir(dir)));
}

/** The model directory behind what a user names: a model directory, or a run directory (its model, else its checkpoint). */
export function findModelDir(dir: string): string {
  for (const candidate of [dir, join(dir, 'model'), join(dir, 'checkpoint')]) {
    const resolved = resolveModelDir(candidate);
    if (existsSync(join(resolved, MODEL_JSON))) return resolved;
  }
  const err = new Error(`no saved model in ${dir} (looked for ${MODEL_JSON} there, in model/ and in checkpoint/)`);
  err.name = 'ModelNotFoundError';
  throw err;
}
