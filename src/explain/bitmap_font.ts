// A 5×7 pixel font for the labels of the class-map grid (the grid is drawn pixel by pixel, with no font files, so
// it looks the same on every machine). Lower-case letters, digits and a little punctuation; upper case is drawn
// in lower case and anything else as '?'.
const GLYPHS: Record<string, string> = {
  a: '.....|.....|.###.|....#|.####|#...#|.####',
  b: '#....|#....|####.|#...#|#...#|#...#|####.',
  c: '.....|.....|.###.|#....|#....|#...#|.###.',
  d: '....#|....#|.####|#...#|#...#|#...#|.####',
  e: '.....|.....|.###.|#...#|#####|#....|.###.',
  f: '..##.|.#..#|.#...|###..|.#...|.#...|.#...',
  g: '.....|.####|#...#|#...#|.####|....#|.###.',
  h: '#....|#....|#.##.|##..#|#...#|#...#|#...#',
  i: '..#..|.....|.##..|..#..|..#..|..#..|.###.',
  j: '...#.|.....|..##.|...#.|...#.|#..#.|.##..',
  k: '#....|#....|#..#.|#.#..|##...|#.#..|#..#.',
  l: '.##..|..#..|..#..|..#..|..#..|..#..|.###.',
  m: '.....|.....|##.#.|#.#.#|#.#.#|#.#.#|#...#',
  n: '.....|.....|#.##.|##..#|#...#|#...#|#...#',
  o: '.....|.....|.###.|#...#|#...#|#...#|.###.',
  p: '.....|.....|####.|#...#|####.|#....|#....',
  q: '.....|.....|.####|#...#|.####|....#|....#',
  r: '.....|.....|#.##.|##..#|#....|#....|#....',
  s: '.....|.....|.####|#....|.###.|....#|####.',
  t: '.#...|.#...|###..|.#...|.#...|.#..#|..##.',
  u: '.....|.....|#...#|#...#|#...#|#..##|.##.#',
  v: '.....|.....|#...#|#...#|#...#|.#.#.|..#..',
  w: '.....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.',
  x: '.....|.....|#...#|.#.#.|..#..|.#.#.|#...#',
  y: '.....|.....|#...#|#...#|.####|....#|.###.',
  z: '.....|.....|#####|...#.|..#..|.#...|#####',
  '0': '.###.|#...#|#..##|#.#.#|##..#|#...#|.###.',
  '1': '..#..|.##..|..#..|..#..|..#..|..#..|.###.',
  '2': '.###.|#...#|....#|...#.|..#..|.#...|#####',
  '3': '#####|...#.|..#..|...#.|....#|#...#|.###.',
  '4': '...#.|..##.|.#.#.|#..#.|#####|...#.|...#.',
  '5': '#####|#....|####.|....#|....#|#...#|.###.',
  '6': '..##.|.#...|#....|####.|#...#|#...#|.###.',
  '7': '#####|....#|...#.|..#..|.#...|.#...|.#...',
  '8': '.###.|#...#|#...#|.###.|#...#|#...#|.###.',
  '9': '.###.|#...#|#...#|.####|....#|...#.|.##..',
  ' ': '.....|.....|.....|.....|.....|.....|.....',
  '.': '.....|.....|.....|.....|.....|.##..|.##..',
  ',': '.....|.....|.....|.....|.##..|..#..|.#...',
  ':': '.....|.##..|.##..|.....|.##..|.##..|.....',
  '%': '##...|##..#|...#.|..#..|.#...|#..##|...##',
  '-': '.....|.....|.....|#####|.....|.....|.....',
  _: '.....|.....|.....|.....|.....|.....|#####',
  '/': '.....|....#|...#.|..#..|.#...|#....|.....',
  '#': '.#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.',
  '(': '...#.|..#..|.#...|.#...|.#...|..#..|...#.',
  ')': '.#...|..#..|...#.|...#.|...#.|..#..|.#...',
  '=': '.....|.....|#####|.....|#####|.....|.....',
  '?': '.###.|#...#|....#|...#.|..#..|.....|..#..',
  '×': '.....|#...#|.#.#.|..#..|.#.#.|#...#|.....',
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** pixels from the start of one character to the next, at scale 1 */
export const ADVANCE = GLYPH_WIDTH + 1;

const bitmaps = new Map(
  Object.entries(GLYPHS).map(([c, rows]) => [c, rows.split('|').map((row) => [...row].map((p) => p === '#'))]),
);

/** Width in pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale: number): number {
  return Math.max(0, [...text].length * ADVANCE - 1) * scale;
}

/** `text` cut to at most `width` pixels at `scale`, with '..' at the end when cut. */
export function fitText(text: string, width: number, scale: number): string {
  const chars = [...text];
  const fits = Math.floor((width / scale + 1) / ADVANCE);
  return chars.length <= fits ? text : `${chars.slice(0, Math.max(0, fits - 2)).join('')}..`;
}

/** Draws `text` into an RGBA image of width `imageWidth` with its top left corner at (x, y). */
export function drawText(
  rgba: Uint8ClampedArray,
  imageWidth: number,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: [number, number, number],
): void {
  const imageHeight = rgba.length / 4 / imageWidth;
  [...text.toLowerCase()].forEach((c, i) => {
    const glyph = bitmaps.get(c) ?? bitmaps.get('?')!;
    glyph.forEach((row, gy) =>
      row.forEach((on, gx) => {
        if (!on) return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (i * ADVANCE + gx) * scale + dx,
              py = y + gy * scale + dy;
            if (px < 0 || py < 0 || px >= imageWidth || py >= imageHeight) continue;
            rgba.set([...color, 255], 4 * (py * imageWidth + px));
          }
        }
      }),
    );
  });
}
