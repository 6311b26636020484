// The smallest image side NiN accepts, derived from the chapter's layer rules rather than guessed: each conv or
// pool maps a side n to floor((n + 2·padding − kernel) / stride) + 1, or to nothing when the window does not fit.
import { DataError } from './data_error.js';

interface SpatialLayer {
  readonly name: string;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
}

/** NiN's layers that change the spatial size, in order (1×1 convs, dropout and ReLU keep it). */
export const NIN_SPATIAL_LAYERS: readonly SpatialLayer[] = [
  { name: 'nin block 1: 11×11 conv, stride 4, valid', kernel: 11, stride: 4, padding: 0 },
  { name: 'max-pool 3, stride 2', kernel: 3, stride: 2, padding: 0 },
  { name: 'nin block 2: 5×5 conv, same', kernel: 5, stride: 1, padding: 2 },
  { name: 'max-pool 3, stride 2', kernel: 3, stride: 2, padding: 0 },
  { name: 'nin block 3: 3×3 conv, same', kernel: 3, stride: 1, padding: 1 },
  { name: 'max-pool 3, stride 2', kernel: 3, stride: 2, padding: 0 },
  { name: 'nin block 4: 3×3 conv, same', kernel: 3, stride: 1, padding: 1 },
];

/** Spatial side after one layer; 0 when the window no longer fits. */
function layerOutputSide(side: number, layer: SpatialLayer): number {
  const padded = side + 2 * layer.padding;
  if (side <= 0 || padded < layer.kernel) return 0;
  return Math.floor((padded - layer.kernel) / layer.stride) + 1;
}

/** Side of NiN's last feature map (before global average pooling) for a square input of `inputSide`. */
export function ninOutputSide(inputSide: number): number {
  return NIN_SPATIAL_LAYERS.reduce(layerOutputSide, inputSide);
}

function smallestAcceptedSide(): number {
  // The output side never shrinks as the input grows, so the first side with output ≥ 1 is the minimum.
  for (let side = 1; ; side++) if (ninOutputSide(side) >= 1) return side;
}

/** Smallest square input side for which NiN still produces a ≥ 1×1 output (67). */
export const MIN_RESIZE = smallestAcceptedSide();

/** Throws a DataError unless `resize` is an integer ≥ MIN_RESIZE. */
export function checkResize(resize: number): void {
  if (!Number.isInteger(resize) || resize < MIN_RESIZE) {
    throw new DataError(
      `resize is ${resize}; expected an integer ≥ ${MIN_RESIZE}: below that NiN's stride-4 conv and three ` +
        `stride-2 max-pools leave no pixels; use e.g. 224 as in d2l, or ${MIN_RESIZE} for a quick run`,
    );
  }
}
