// The classify page: a photo (upload or drop), a drawing or a test-set image → the 28×28 image the model sees →
// the top-3 classes, all computed in the browser with the saved model.
import { IMAGE_SIDE } from '../../data/fashion_mnist_files.js';
import type { ExplainedImage } from '../../explain/explain_images.js';
import { overlay } from '../../explain/heat_map.js';
import { topClasses } from '../../model/top_classes.js';
import { BrowserClassifier } from './browser_classifier.js';
import { byId, el, fetchJson, percent } from './dom.js';
import { DrawingPad } from './drawing_pad.js';
import { toFashionMnistImage } from './fashion_image.js';
import { tf } from './tf_global.js';

interface ModelInfo {
  available: boolean;
  reason?: string;
  dir?: string;
  resize?: number;
  parameters?: number;
}

interface Sample {
  index: number;
  label: number;
  name: string;
}

const status = byId('status');
const fileInput = byId<HTMLInputElement>('file');
const dropZone = byId('drop');
const seen = byId<HTMLCanvasElement>('seen');
const results = byId<HTMLOListElement>('top');
const caption = byId('caption');
const mapCanvas = byId<HTMLCanvasElement>('map');
const mapClasses = byId('map-classes');
const mapCaption = byId('map-caption');

let classifier: BrowserClassifier | undefined;

function showError(message: string): void {
  caption.textContent = message;
  caption.className = 'error';
}

/** Classifies a picture and shows what the model saw and its top 3. `truth`: the true label of a test image. */
function classify(source: CanvasImageSource, width: number, height: number, what: string, truth?: string): void {
  if (!classifier) return;
  const pixels = toFashionMnistImage(source, width, height);
  const rgba = new ImageData(IMAGE_SIDE, IMAGE_SIDE);
  pixels.forEach((v, i) => rgba.data.set([v, v, v, 255], 4 * i));
  seen.getContext('2d')!.putImageData(rgba, 0, 0);

  const top = topClasses(classifier.probabilities(pixels), 3);
  results.replaceChildren(
    ...top.map(({ label, probability }) => {
      const bar = el('span', { class: 'bar' });
      bar.style.width = percent(probability);
      const item = el(
        'li',
        { 'data-label': label, 'data-probability': String(probability) },
        el('span', { class: 'label' }, label),
        el('span', { class: 'track' }, bar),
        el('span', { class: 'pct' }, percent(probability)),
      );
      if (truth !== undefined) item.classList.add(label === truth ? 'right' : 'wrong');
      return item;
    }),
  );
  caption.className = '';
  caption.textContent =
    truth === undefined ? what : `${what} · true label: ${truth}${top[0]!.label === truth ? ' ✓' : ''}`;
  showMaps(pixels);
}

/** The predicted class's confidence map over what the model sees, and a button for each class's. */
function showMaps(pixels: Uint8ClampedArray): void {
  if (!classifier) return;
  if (classifier.noMaps) {
    mapCanvas.hidden = true;
    mapCaption.textContent = `No class map to show: ${classifier.noMaps}`;
    return;
  }
  const explained = classifier.explain(pixels);
  const buttons = explained.classes.map((c) => {
    const button = el('button', { type: 'button', 'data-class': c.label, 'aria-pressed': 'false' }, c.label);
    button.addEventListener('click', () => drawMap(explained, c.label, buttons));
    return button;
  });
  mapClasses.replaceChildren(...buttons);
  drawMap(explained, explained.predicted, buttons);
}

function drawMap(explained: ExplainedImage, label: string, buttons: HTMLButtonElement[]): void {
  const c = explained.classes.find((k) => k.label === label)!;
  const side = explained.side;
  mapCanvas.width = mapCanvas.height = side;
  mapCanvas
    .getContext('2d')!
    .putImageData(
      new ImageData(overlay(explained.input, side, c.map, explained.height, explained.width, explained.range), side),
      0,
      0,
    );
  mapCanvas.hidden = false;
  // the map's numbers, for whoever wants to check them against Node's (POST /api/explain)
  Object.assign(mapCanvas.dataset, {
    class: c.label,
    height: String(explained.height),
    width: String(explained.width),
    values: JSON.stringify(Array.from(c.map)),
  });
  buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.class === label)));
  mapCaption.textContent =
    `${c.label}: ${percent(c.probability)}, score ${c.logit.toFixed(3)} = the mean of this ` +
    `${explained.height}×${explained.width} map${label === explained.predicted ? ' (the prediction)' : ''}; blue to red spans the smallest to the largest value of any class's map`;
}

async function classifyFile(file: File): Promise<void> {
  if (!/^image\/(png|jpeg)$/.test(file.type)) return showError(`${file.name} is not a PNG or JPEG image`);
  try {
    const bitmap = await createImageBitmap(file);
    classify(bitmap, bitmap.width, bitmap.height, file.name);
    bitmap.close();
  } catch {
    showError(`${file.name} could not be read as an image (corrupt or unsupported)`);
  }
}

async function showSamples(): Promise<void> {
  const strip = byId('samples');
  try {
    const { samples } = await fetchJson<{ samples: Sample[] }>('/api/samples');
    strip.replaceChildren(
      ...samples.map((sample) => {
        const image = el('img', {
          src: `/api/samples/${sample.index}.png`,
          alt: sample.name,
          width: '56',
          height: '56',
        });
        const button = el(
          'button',
          { type: 'button', class: 'sample', 'data-index': String(sample.index), title: `test image ${sample.index}` },
          image,
          el('span', {}, sample.name),
        );
        button.addEventListener('click', async () => {
          await image.decode();
          classify(image, image.naturalWidth, image.naturalHeight, `test image ${sample.index}`, sample.name);
        });
        return button;
      }),
    );
  } catch (err) {
    strip.replaceChildren(el('p', { class: 'error' }, (err as Error).message));
  }
}

async function main(): Promise<void> {
  void showSamples();
  const info = await fetchJson<ModelInfo>('/api/model');
  if (!info.available) {
    status.textContent = info.reason ?? 'no model';
    status.className = 'error';
    return;
  }
  status.textContent = `loading the model (${info.parameters?.toLocaleString('en-US')} parameters)…`;
  classifier = await BrowserClassifier.load('/model/model.json');
  status.textContent = `model ${info.dir} · input ${classifier.resize}×${classifier.resize} · TF.js ${tf.version.tfjs} on ${classifier.backend} in this browser`;
  document.body.dataset.ready = 'true';

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void classifyFile(file);
  });
  dropZone.addEventListener('dragover', (e) => {
    e.preventDefault();
    dropZone.classList.add('over');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
  dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropZone.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void classifyFile(file);
  });
  const canvas = byId<HTMLCanvasElement>('pad');
  const pad = new DrawingPad(canvas, () => classify(canvas, canvas.width, canvas.height, 'your drawing'));
  byId('clear').addEventListener('click', () => pad.clear());
}

main().catch((err: Error) => {
  status.textContent = `the model could not be loaded: ${err.message}`;
  status.className = 'error';
});
