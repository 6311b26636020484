// A class map drawn over the image the model saw: the map upsampled bilinearly to the image's size (the map covers
// the whole input, cell by cell), coloured from blue (the least evidence of any class in this image) to red (the
// most), and blended with the grayscale input. No Node imports: the web page draws its maps with this code.

/** `map` (height × width, row-major) resized to side × side, bilinear with half-pixel centres, edges clamped. */
export function upsampleMap(map: ArrayLike<number>, height: number, width: number, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const source = (v: number, n: number) => Math.min(n - 1, Math.max(0, ((v + 0.5) * n) / side - 0.5));
  for (let y = 0; y < side; y++) {
    const sy = source(y, height),
      y0 = Math.floor(sy),
      y1 = Math.min(height - 1, y0 + 1),
      fy = sy - y0;
    for (let x = 0; x < side; x++) {
      const sx = source(x, width),
        x0 = Math.floor(sx),
        x1 = Math.min(width - 1, x0 + 1),
        fx = sx - x0;
      const top = map[y0 * width + x0]! * (1 - fx) + map[y0 * width + x1]! * fx;
      const bottom = map[y1 * width + x0]! * (1 - fx) + map[y1 * width + x1]! * fx;
      out[y * side + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** The jet colour map of class activation maps: dark blue, blue, cyan, yellow, red, dark red. */
const STOPS: [number, [number, number, number]][] = [
  [0, [0, 0, 143]],
  [0.125, [0, 0, 255]],
  [0.375, [0, 255, 255]],
  [0.625, [255, 255, 0]],
  [0.875, [255, 0, 0]],
  [1, [128, 0, 0]],
];

/** The colour of t ∈ [0, 1]. */
export function heatColor(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, t));
  const i = STOPS.findIndex(([at]) => at >= v);
  if (i <= 0) return STOPS[0]![1];
  const [a, ca] = STOPS[i - 1]!,
    [b, cb] = STOPS[i]!;
  const f = (v - a) / (b - a);
  return [0, 1, 2].map((c) => Math.round(ca[c]! + (cb[c]! - ca[c]!) * f)) as [number, number, number];
}

/** The colour range of one image's maps: from the smallest to the largest value of any of them, so that they compare. */
export interface MapRange {
  low: number;
  high: number;
}

export function mapsRange(maps: ArrayLike<number>[]): MapRange {
  let low = Infinity,
    high = -Infinity;
  for (const map of maps) {
    for (let i = 0; i < map.length; i++) {
      low = Math.min(low, map[i]!);
      high = Math.max(high, map[i]!);
    }
  }
  return high > low ? { low, high } : { low, high: low + 1 };
}

/**
 * RGBA pixels (side × side) of `map` over the grayscale image `gray` (side × side, values in [0, 1], as the model
 * input): the image at half strength plus the map's colour at half strength, the colours spanning `range`.
 */
export function overlay(
  gray: ArrayLike<number>,
  side: number,
  map: ArrayLike<number>,
  height: number,
  width: number,
  range: MapRange,
): Uint8ClampedArray<ArrayBuffer> {
  const up = upsampleMap(map, height, width, side);
  const rgba = new Uint8ClampedArray(4 * side * side);
  for (let p = 0; p < side * side; p++) {
    const g = 255 * gray[p]!;
    const [r, gr, b] = heatColor((up[p]! - range.low) / (range.high - range.low));
    rgba[4 * p] = 0.5 * g + 0.5 * r;
    rgba[4 * p + 1] = 0.5 * g + 0.5 * gr;
    rgba[4 * p + 2] = 0.5 * g + 0.5 * b;
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}

/** RGBA pixels of the grayscale image itself. */
export function grayRgba(gray: ArrayLike<number>, side: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(4 * side * side);
  for (let p = 0; p < side * side; p++) rgba.set([255 * gray[p]!, 255 * gray[p]!, 255 * gray[p]!, 255], 4 * p);
  return rgba;
}
