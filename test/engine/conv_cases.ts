// Convolution shapes the kernel tests run (fp32 against cpu, bf16 against fp32): the layers of NiN, AlexNet and
// VGG in small, plus the geometries that take each of the native code paths.
export type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
export const explicit = (p: number): Pad => [
  [0, 0],
  [p, p],
  [p, p],
  [0, 0],
];

export interface ConvCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  /** a case for Winograd's routes: compared at its precision (see kernels.test.ts), and run by winograd.test.ts */
  winograd?: true;
}

export const convCases: ConvCase[] = [
  // NiN (d2l): 11×11/4 valid on the 1-channel input, 5×5 'same', 3×3 'same', 1×1.
  { label: 'NiN 11x11/4 valid, C=1', x: [2, 47, 47, 1], filter: [11, 11, 1, 24], strides: 4, pad: 'valid' },
  { label: 'NiN 5x5/1 same, odd 13x13, C=12→20', x: [2, 13, 13, 12], filter: [5, 5, 12, 20], strides: 1, pad: 'same' },
  {
    label: 'NiN 3x3/1 same, batch 1, 17x17, C=24→10',
    x: [1, 17, 17, 24],
    filter: [3, 3, 24, 10],
    strides: 1,
    pad: 'same',
  },
  { label: 'NiN 1x1, C=20→20', x: [2, 13, 13, 20], filter: [1, 1, 20, 20], strides: 1, pad: 'valid' },
  // AlexNet (d2l): 11×11/4 explicit padding 1, 5×5 pad 2, 3×3 pad 1.
  { label: 'AlexNet 11x11/4 pad 1, C=1→16', x: [1, 51, 51, 1], filter: [11, 11, 1, 16], strides: 4, pad: explicit(1) },
  { label: 'AlexNet 5x5/1 pad 2, C=8→24', x: [2, 13, 13, 8], filter: [5, 5, 8, 24], strides: 1, pad: explicit(2) },
  { label: 'AlexNet 3x3/1 pad 1, C=24→20', x: [2, 9, 9, 24], filter: [3, 3, 24, 20], strides: 1, pad: explicit(1) },
  // VGG (d2l): 3×3 pad 1 from the 1-channel input.
  { label: 'VGG 3x3/1 pad 1, C=1→16', x: [2, 16, 16, 1], filter: [3, 3, 1, 16], strides: 1, pad: explicit(1) },
  { label: 'VGG 3x3/1 numeric pad 1, C=16→8', x: [1, 12, 12, 16], filter: [3, 3, 16, 8], strides: 1, pad: 1 },
  // 'same' with stride 2: the padding is asymmetric (more at the bottom/right).
  { label: "3x3/2 'same' (pads 0/1), C=8→12", x: [2, 16, 16, 8], filter: [3, 3, 8, 12], strides: 2, pad: 'same' },
  { label: "4x4/2 'same' odd 17 (pads 1/2), C=5→7", x: [1, 17, 17, 5], filter: [4, 4, 5, 7], strides: 2, pad: 'same' },
  {
    label: "3x5 filter, strides [1,2], 'same', 13x17",
    x: [2, 13, 17, 6],
    filter: [3, 5, 6, 9],
    strides: [1, 2],
    pad: 'same',
  },
  { label: '3x3/2 valid, odd 15, C=3→33', x: [2, 15, 15, 3], filter: [3, 3, 3, 33], strides: 2, pad: 'valid' },
  // Stride-1 shapes whose data gradient runs as a forward conv with the flipped filter: asymmetric 'same' pads
  // (even filters), rectangular filters, no padding, explicit asymmetric padding, padding as large as the filter.
  { label: "4x4/1 'same' (pads 1/2), C=6→10", x: [2, 11, 11, 6], filter: [4, 4, 6, 10], strides: 1, pad: 'same' },
  { label: "2x2/1 'same' (pads 0/1), C=9→4", x: [1, 12, 12, 9], filter: [2, 2, 9, 4], strides: 1, pad: 'same' },
  { label: "3x5/1 'same' rectangular, 9x14, C=7→11", x: [2, 9, 14, 7], filter: [3, 5, 7, 11], strides: 1, pad: 'same' },
  { label: '3x3/1 valid, C=5→6', x: [2, 12, 12, 5], filter: [3, 3, 5, 6], strides: 1, pad: 'valid' },
  {
    label: '3x3/1 explicit asymmetric pads [0,2]x[1,0]',
    x: [1, 10, 10, 4],
    filter: [3, 3, 4, 5],
    strides: 1,
    pad: [
      [0, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ],
  },
  {
    label: '3x3/1 explicit pad 3 (≥ filter size)',
    x: [1, 8, 8, 4],
    filter: [3, 3, 4, 5],
    strides: 1,
    pad: explicit(3),
  },
  // Filters larger than the padded map, so that some taps meet only padding for every output (native/filter_crop.h
  // cuts them off): NiN's last block on its 1×1 map (67 to 95 px inputs), a 5×5 filter on 2×2, rows cut but not
  // columns, and a strided one.
  {
    label: "NiN's last block: 3x3 'same' on a 1x1 map, C=24→10",
    x: [3, 1, 1, 24],
    filter: [3, 3, 24, 10],
    strides: 1,
    pad: 'same',
  },
  { label: '5x5/1 pad 2 on a 2x2 map, C=6→5', x: [2, 2, 2, 6], filter: [5, 5, 6, 5], strides: 1, pad: explicit(2) },
  { label: "3x3/1 'same' on a 1x3 map, C=4→5", x: [2, 1, 3, 4], filter: [3, 3, 4, 5], strides: 1, pad: 'same' },
  { label: '3x3/2 pad 1 on a 1x1 map, C=4→5', x: [2, 1, 1, 4], filter: [3, 3, 4, 5], strides: 2, pad: explicit(1) },
  // Winograd's tile sizes (native/winograd.cc: 3×3 and 5×5, stride 1, ≥ 16 channels each side; on CPUs without
  // AVX-512 or with NIN_WINOGRAD=on): F(4,5) and F(3,5), F(3,3) and F(6,3); partial tiles, no or asymmetric
  // padding, channels beyond one 64-wide block and not a multiple of 8, a batch that ends in a smaller chunk.
  {
    label: 'Winograd F(4,5): NiN 5x5 same on 7x7, C=16→24',
    x: [3, 7, 7, 16],
    filter: [5, 5, 16, 24],
    strides: 1,
    pad: 'same',
    winograd: true,
  },
  {
    label: 'Winograd F(3,5): 5x5 same on 6x6, batch 18 (two chunks), C=16→17',
    x: [18, 6, 6, 16],
    filter: [5, 5, 16, 17],
    strides: 1,
    pad: 'same',
    winograd: true,
  },
  {
    label: 'Winograd F(4,5): 5x5 valid 12x12 → 8x8, C=80→70',
    x: [2, 12, 12, 80],
    filter: [5, 5, 80, 70],
    strides: 1,
    pad: 'valid',
    winograd: true,
  },
  {
    label: 'Winograd F(3,3): NiN 3x3 same on 3x3, C=16→32',
    x: [5, 3, 3, 16],
    filter: [3, 3, 16, 32],
    strides: 1,
    pad: 'same',
    winograd: true,
  },
  {
    label: 'Winograd F(6,3): 3x3 same on 12x12, C=16→16',
    x: [2, 12, 12, 16],
    filter: [3, 3, 16, 16],
    strides: 1,
    pad: 'same',
    winograd: true,
  },
  {
    label: 'Winograd 3x3 explicit asymmetric pads [0,2]x[1,0], 10x9, C=16→20',
    x: [2, 10, 9, 16],
    filter: [3, 3, 16, 20],
    strides: 1,
    pad: [
      [0, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ],
    winograd: true,
  },
  // 1×1 variants: stride 1 unpadded (filter gradient as a matmul), stride 2, padded, batch 1 with odd sizes.
  { label: '1x1/2 valid, C=12→7', x: [2, 13, 13, 12], filter: [1, 1, 12, 7], strides: 2, pad: 'valid' },
  { label: '1x1/1 explicit pad 1, C=5→9', x: [1, 7, 7, 5], filter: [1, 1, 5, 9], strides: 1, pad: explicit(1) },
  { label: '1x1/1, batch 1, 17x13, C=33→17', x: [1, 17, 13, 33], filter: [1, 1, 33, 17], strides: 1, pad: 'same' },
];
