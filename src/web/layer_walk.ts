// The chapter's layer walk (`nin summary`) of a run's model at its input size, shown on the runs page: the model is
// built at that size, a random input walked through its top-level layers, and the result kept per model and size.
import { MODEL_NAMES, MODELS, type ModelName } from '../model/zoo.js';

export interface LayerWalk {
  /** "Sequential output shape: (1, 54, 54, 96)", one line per top-level layer */
  layers: string[];
  parameters: number;
}

/** Larger inputs are refused: a run record could name any size, and the walk allocates for it. */
const MAX_WALK_RESIZE = 1024;

const walks = new Map<string, LayerWalk>();

/** The zoo's name of a run's model, from its record: config.model, or NiN for runs made before the option existed. */
export function recordModelName(
  record: { config?: Record<string, unknown>; model?: { name?: unknown } } | undefined,
): ModelName | undefined {
  const named = record?.config?.model;
  if (typeof named === 'string') return (MODEL_NAMES as string[]).includes(named) ? (named as ModelName) : undefined;
  return record?.model?.name === 'NiN' ? 'nin' : undefined;
}

/** The walk of model `name` at `resize`×`resize`, or undefined for a size it does not take (or too large to walk). */
export function layerWalk(name: ModelName, resize: unknown): LayerWalk | undefined {
  const entry = MODELS[name];
  if (typeof resize !== 'number' || !Number.isInteger(resize) || resize < entry.minSide || resize > MAX_WALK_RESIZE)
    return undefined;
  const key = `${name}@${resize}`;
  let walk = walks.get(key);
  if (!walk) {
    const model = entry.create({ resize });
    walk = { layers: model.layerSummary([1, resize, resize, 1]), parameters: model.countParams() };
    model.net.dispose();
    walks.set(key, walk);
  }
  return walk;
}
