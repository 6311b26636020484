// The PNG of `nin explain`: one row per image — what the model sees, then the chosen class maps over it — each
// cell captioned in two lines (the image's name and, in green, its true class; each map's class and probability,
// the predicted class in yellow).
import sharp from 'sharp';

import { drawText, fitText, GLYPH_HEIGHT } from './bitmap_font.js';
import type { ExplainedImage } from './explain_images.js';
import { grayRgba, overlay } from './heat_map.js';

const MARGIN = 8;
/** a text line's height at scale 1 */
const LINE = GLYPH_HEIGHT + 3;
const BACKGROUND = 24;
const TEXT: [number, number, number] = [225, 225, 225];
const PREDICTED: [number, number, number] = [255, 214, 0];
const TRUTH: [number, number, number] = [120, 220, 120];

/** The grid's size in pixels for `images` (all of one input side). */
export function gridSize(images: ExplainedImage[]): {
  width: number;
  height: number;
  cell: number;
  caption: number;
  scale: number;
} {
  const cell = images[0]!.side;
  const scale = cell >= 128 ? 2 : 1;
  const caption = 2 * LINE * scale + 4; // two lines
  const columns = 1 + Math.max(...images.map((e) => e.classes.length));
  return {
    width: MARGIN + columns * (cell + MARGIN),
    height: MARGIN + images.length * (cell + caption + MARGIN),
    cell,
    caption,
    scale,
  };
}

export async function mapGridPng(images: ExplainedImage[]): Promise<Buffer> {
  const { width, height, cell, caption, scale } = gridSize(images);
  const rgba = new Uint8ClampedArray(4 * width * height).fill(BACKGROUND);
  for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
  const paste = (pixels: Uint8ClampedArray, x0: number, y0: number) => {
    for (let y = 0; y < cell; y++)
      rgba.set(pixels.subarray(4 * y * cell, 4 * (y + 1) * cell), 4 * ((y0 + y) * width + x0));
  };
  images.forEach((e, row) => {
    const y = MARGIN + row * (cell + caption + MARGIN),
      textY = y + cell + 4;
    paste(grayRgba(e.input, cell), MARGIN, y);
    const line2 = textY + LINE * scale;
    drawText(rgba, width, fitText(e.name.split('/').pop()!, cell, scale), MARGIN, textY, scale, TEXT); // a file's base name
    if (e.truth) drawText(rgba, width, fitText(e.truth, cell, scale), MARGIN, line2, scale, TRUTH);
    e.classes.forEach((c, i) => {
      const x = MARGIN + (i + 1) * (cell + MARGIN);
      paste(overlay(e.input, cell, c.map, e.height, e.width, e.range), x, y);
      const color = c.label === e.predicted ? PREDICTED : TEXT;
      drawText(rgba, width, fitText(c.label, cell, scale), x, textY, scale, color);
      drawText(rgba, width, `${(100 * c.probability).toFixed(1)}%`, x, line2, scale, color);
    });
  });
  return sharp(Buffer.from(rgba.buffer), { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}
