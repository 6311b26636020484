// The smallest square input a model takes, derived from its own layers' windows rather than guessed: each conv or
// pool maps a side n to floor((n + 2·padding − kernel) / stride) + 1, or to nothing when the window does not fit.
// Each model declares the windows it builds from (nin.ts, alexnet.ts, vgg.ts); the zoo reads the minimum from them.

/** A layer that changes the spatial side: a convolution's or a pooling layer's window (1×1 convs keep the side). */
export interface SpatialWindow {
  readonly kernel: number;
  readonly stride: number;
  /** symmetric zero padding on each side */
  readonly padding: number;
}

/** The side after the windows for a square input of `inputSide`; 0 when one no longer fits. */
export function sideAfter(inputSide: number, windows: readonly SpatialWindow[]): number {
  return windows.reduce((side, w) => {
    const padded = side + 2 * w.padding;
    return side <= 0 || padded < w.kernel ? 0 : Math.floor((padded - w.kernel) / w.stride) + 1;
  }, inputSide);
}

/** The smallest input side that leaves at least 1×1 after the windows (the side never shrinks as the input grows). */
export function smallestInputSide(windows: readonly SpatialWindow[]): number {
  for (let side = 1; ; side++) if (sideAfter(side, windows) >= 1) return side;
}

/** Throws a RangeError, naming the model and its minimum, unless `resize` is an integer ≥ `minSide`. */
export function checkInputSide(model: string, resize: number, minSide: number): void {
  if (!Number.isInteger(resize) || resize < minSide) {
    throw new RangeError(
      `${model} takes square inputs of at least ${minSide}×${minSide} pixels (below that its strided convolutions and pools leave no pixels), got ${resize}`,
    );
  }
}
