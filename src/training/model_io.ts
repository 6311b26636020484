// Saving and loading in TF.js's LayersModel format (model.json + weights.bin), the format stock
// `tf.loadLayersModel` reads in Node and in the browser. The Node build of TF.js has no file:// handler without
// tfjs-node, so these two small handlers do the file I/O. Saves never leave a half-written model: files go to a
// temporary directory and are flushed to the disk, then the directory replaces the target (the previous version is
// kept as `<dir>.old` until the new one is in place, and `resolveModelDir` falls back to it if a crash came in
// between). Checkpoints are saved the same way.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { makeDirectories } from '../util/make_directories.js';
import { discard, syncDirectory, temporaryPath, writeSynced } from './durable_files.js';
import { outputError } from './output_error.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** A model directory that is missing, unreadable or damaged. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** Saves `model` (and `extraFiles`, name → content, e.g. a checkpoint's state) into `dir`, atomically and durably. */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  extraFiles: Record<string, string | Uint8Array> = {},
): Promise<void> {
  await model.save(fileSaveHandler(dir, extraFiles));
}

/** A TF.js IOHandler that writes model.json and weights.bin (and `extraFiles`) into `dir`, atomically and durably. */
export function fileSaveHandler(dir: string, extraFiles: Record<string, string | Uint8Array> = {}): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const parent = dirname(dir);
      const tmp = temporaryPath(dir);
      try {
        makeDirectories(parent);
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(tmp);
        const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
        writeSynced(join(tmp, WEIGHTS_BIN), weights);
        const modelJson = {
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
          ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        };
        writeSynced(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
        for (const [name, content] of Object.entries(extraFiles)) writeSynced(join(tmp, name), content);
        syncDirectory(tmp);
        const old = `${dir}.old`;
        rmSync(old, { recursive: true, force: true });
        if (existsSync(dir)) renameSync(dir, old);
        renameSync(tmp, dir);
        syncDirectory(parent);
        rmSync(old, { recursive: true, force: true });
        return {
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength },
        };
      } catch (error) {
        discard(tmp); // on a full disk, give the space back at once
        throw outputError(`cannot write ${dir}`, error);
      }
    },
  };
}

/** `dir`, or the previous version `<dir>.old` when a save was interrupted between its two renames. */
export function resolveModelDir(dir: string): string {
  return !existsSync(join(dir, MODEL_JSON)) && existsSync(join(`${dir}.old`, MODEL_JSON)) ? `${dir}.old` : dir;
}

/** Bytes of float32/int32 weights the specs describe (what the weight files must hold together). */
function specBytes(specs: tf.io.WeightsManifestEntry[]): number {
  const bytesPer = { float32: 4, int32: 4, bool: 1 } as Record<string, number | undefined>;
  return specs.reduce((n, spec) => {
    const size = bytesPer[spec.quantization?.dtype ?? spec.dtype];
    if (size === undefined || spec.quantization)
      throw new ModelFileError(`weight ${spec.name} has a ${spec.dtype} type this tool does not save`);
    return n + size * spec.shape.reduce((a, b) => a * b, 1);
  }, 0);
}

/** A TF.js IOHandler reading model.json and its weight files from a directory; damage is a ModelFileError. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonPath = join(dir, MODEL_JSON);
      if (!existsSync(jsonPath))
        throw new ModelFileError(`no ${MODEL_JSON} in ${dir}: is this a saved model or run directory?`);
      let json: tf.io.ModelJSON;
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      try {
        json = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
        for (const group of json.weightsManifest) {
          specs.push(...group.weights);
          for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
        }
      } catch (error) {
        throw new ModelFileError(`${dir}: unreadable model files (${(error as Error).message})`, { cause: error });
      }
      const total = buffers.reduce((n, b) => n + b.byteLength, 0);
      const expected = specBytes(specs);
      if (total !== expected) {
        throw new ModelFileError(
          `${dir}: the weight files hold ${total} bytes but ${MODEL_JSON} describes ${expected}: damaged model`,
        );
      }
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
        ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
      };
    },
  };
}

/** The model saved in `dir` (or in `<dir>.old`, see resolveModelDir); anything wrong with the files is a ModelFileError. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(fileHandler(resolveModelDir(dir)));
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`${dir}: not a model this tool can load (${(error as Error).message})`, { cause: error });
  }
}
