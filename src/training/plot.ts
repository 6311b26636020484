// SVG figures (the d2l training curves of curves_svg.ts, the parameter-economy chart) as PNG, rasterised with sharp.
import sharp from 'sharp';

export function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}
