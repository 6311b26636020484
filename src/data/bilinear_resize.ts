// Bilinear resize of square uint8 images to float32 in [0, 1], with the half-pixel-centre convention: output pixel
// c samples the input at (c + 0.5)·in/out − 0.5, clamped at the border. That is tf.image.resizeBilinear with
// alignCorners=false, halfPixelCenters=true, and the convention of PyTorch (align_corners=False) and PIL that d2l's
// Resize follows, so the image is not shifted by half a pixel. No Node imports: the web page uses the same code.

/** For each output coordinate: the two input coordinates to blend and the weight of the second. */
export interface AxisTable {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float64Array;
}

/** The per-axis sampling table, computed exactly as TF.js's cpu kernel does so results agree to float rounding. */
export function halfPixelAxisTable(inSize: number, outSize: number): AxisTable {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  const ratio = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const source = ratio * (o + 0.5) - 0.5;
    const floor = Math.max(0, Math.floor(source));
    lo[o] = floor;
    hi[o] = Math.min(inSize - 1, Math.ceil(source));
    frac[o] = source - floor; // when lo = hi (at the borders) the weight has no effect
  }
  return { lo, hi, frac };
}

/**
 * Resizes inSide×inSide uint8 images to outSide×outSide float32, multiplied by `scale` (1/255 maps to [0, 1]).
 * Separable: first every input row is resampled horizontally, then output rows blend two of those, which is the
 * same arithmetic as the four-tap formula (top, bottom, then between them) at a fraction of the reads.
 */
export class BilinearResizer {
  readonly inSide: number;
  readonly outSide: number;
  private readonly table: AxisTable;
  /** inSide rows, each resampled to outSide columns; reused across images. */
  private readonly rows: Float64Array;

  constructor(inSide: number, outSide: number) {
    if (!Number.isInteger(inSide) || inSide < 1 || !Number.isInteger(outSide) || outSide < 1) {
      throw new RangeError(`BilinearResizer: sides must be positive integers, got ${inSide} → ${outSide}`);
    }
    this.inSide = inSide;
    this.outSide = outSide;
    this.table = halfPixelAxisTable(inSide, outSide);
    this.rows = new Float64Array(inSide * outSide);
  }

  /** Resizes the image at `source[sourceOffset ..]` into `target[targetOffset ..]` (outSide² values). */
  resizeInto(
    source: Uint8Array | Uint8ClampedArray,
    sourceOffset: number,
    target: Float32Array,
    targetOffset: number,
    scale: number,
  ): void {
    const { inSide, outSide, rows } = this;
    const { lo, hi, frac } = this.table;
    for (let y = 0; y < inSide; y++) {
      const input = sourceOffset + y * inSide;
      const row = y * outSide;
      for (let c = 0; c < outSide; c++) {
        const left = source[input + lo[c]!]!;
        rows[row + c] = left + (source[input + hi[c]!]! - left) * frac[c]!;
      }
    }
    for (let r = 0; r < outSide; r++) {
      const top = lo[r]! * outSide;
      const bottom = hi[r]! * outSide;
      const weight = frac[r]!;
      const output = targetOffset + r * outSide;
      for (let c = 0; c < outSide; c++) {
        const upper = rows[top + c]!;
        target[output + c] = (upper + (rows[bottom + c]! - upper) * weight) * scale;
      }
    }
  }
}
