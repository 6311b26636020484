// The chapter's layer walk (`nin summary`) for a run's input size, shown on the runs page: a NiN is built at that
// size, a random input walked through its top-level layers, and the result kept per size.
import { MIN_RESIZE } from '../data/min_resize.js';
import { NiN } from '../model/nin.js';

export interface LayerWalk {
  /** "Sequential output shape: (1, 54, 54, 96)", one line per top-level layer */
  layers: string[];
  parameters: number;
}

/** Larger inputs are refused: a run record could name any size, and the walk allocates for it. */
const MAX_WALK_RESIZE = 1024;

const walks = new Map<number, LayerWalk>();

/** The walk of NiN at `resize`×`resize`, or undefined for a size NiN does not take (or too large to walk). */
export function ninLayerWalk(resize: unknown): LayerWalk | undefined {
  if (typeof resize !== 'number' || !Number.isInteger(resize) || resize < MIN_RESIZE || resize > MAX_WALK_RESIZE) return undefined;
  let walk = walks.get(resize);
  if (!walk) {
    const model = new NiN({ resize });
    walk = { layers: model.layerSummary([1, resize, resize, 1]), parameters: model.countParams() };
    model.net.dispose();
    walks.set(resize, walk);
  }
  return walk;
}
