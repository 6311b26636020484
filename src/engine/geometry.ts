// TF.js's conv/pool info (computed by TF.js's own helpers, so padding and rounding match the CPU kernels), which the
// addon takes as it is, and the geometries oneDNN computes as TF.js's cpu does.
import { backend_util } from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

/** TF.js's geometry of a 2-D convolution of x (NHWC) with a filter (HWIO), from a conv kernel's attributes. */
export function conv2DInfo(
  xShape: number[],
  filterShape: number[],
  attrs: {
    strides: number | [number, number];
    pad: Parameters<typeof backend_util.computeConv2DInfo>[4];
    dataFormat: 'NHWC' | 'NCHW';
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/**
 * Whether oneDNN accepts the geometry: its output size must follow from input, padding, filter and stride with
 * floor rounding. TF.js's 'ceil'/'round' dimRoundingMode with numeric padding can give one row or column more, which
 * goes to the CPU kernel instead.
 */
export function isOneDnnGeometry(c: backend_util.Conv2DInfo): boolean {
  const p = c.padInfo;
  const out = (size: number, pad: number, filter: number, dilation: number, stride: number) =>
    Math.floor((size + pad - ((filter - 1) * dilation + 1)) / stride) + 1;
  return (
    c.outHeight > 0 &&
    c.outWidth > 0 &&
    out(c.inHeight, p.top + p.bottom, c.filterHeight, c.dilationHeight, c.strideHeight) === c.outHeight &&
    out(c.inWidth, p.left + p.right, c.filterWidth, c.dilationWidth, c.strideWidth) === c.outWidth
  );
}

/**
 * Pooling geometries oneDNN computes as TF.js's cpu does: besides `isOneDnnGeometry`, every padding smaller than the
 * window, so that no window lies wholly in the padding (oneDNN rejects that for average pooling and gives -FLT_MAX
 * for max pooling, where TF.js pools what the window's clamped edges reach).
 */
export function isOneDnnPoolGeometry(c: backend_util.Conv2DInfo): boolean {
  const p = c.padInfo;
  return isOneDnnGeometry(c) && Math.max(p.top, p.bottom) < c.filterHeight && Math.max(p.left, p.right) < c.filterWidth;
}

/** Whether a pooling geometry pads the input at all. */
export function hasPadding(c: backend_util.Conv2DInfo): boolean {
  const p = c.padInfo;
  return p.top + p.bottom + p.left + p.right > 0;
}

/** Channels-last convolutions with a geometry oneDNN accepts. */
export function isNativeConv(c: backend_util.Conv2DInfo): boolean {
  return c.dataFormat === 'channelsLast' && isOneDnnGeometry(c);
}
