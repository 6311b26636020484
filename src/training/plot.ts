// The d2l training figure (curves_svg.ts) as a PNG file, rasterised with sharp.
import sharp from 'sharp';

export async function svgToPng(svg: string, path: string): Promise<void> {
  await sharp(Buffer.from(svg)).png().toFile(path);
}
