// Worker thread that resizes batches off the main thread, so the next batch is prepared while the main thread
// runs the model. Images arrive once per split as views of shared memory; each request carries only indices.
import { parentPort } from 'node:worker_threads';

import { augmentationOf } from './augment.js';
import { BilinearResizer } from './bilinear_resize.js';
import { IMAGE_SIDE } from './fashion_mnist_files.js';
import { resizeBatch } from './model_input.js';
import type { ResizeWorkerReply, ResizeWorkerRequest } from './resize_worker_protocol.js';

const port = parentPort;
if (!port) throw new Error('resize_worker.js must be started as a worker thread (by ResizeWorker), not run directly');

const imageSets = new Map<number, Uint8Array>();
const resizers = new Map<number, BilinearResizer>();

function resizerFor(side: number): BilinearResizer {
  let resizer = resizers.get(side);
  if (!resizer) {
    resizer = new BilinearResizer(IMAGE_SIDE, side);
    resizers.set(side, resizer);
  }
  return resizer;
}

port.on('message', (request: ResizeWorkerRequest) => {
  if (request.type === 'images') {
    imageSets.set(request.key, request.images);
    return;
  }
  let reply: ResizeWorkerReply;
  try {
    const images = imageSets.get(request.key);
    if (!images) throw new Error(`no images registered under key ${request.key}`);
    reply = {
      id: request.id,
      x: resizeBatch(images, request.indices, resizerFor(request.side), augmentationOf(request.augment)),
    };
  } catch (error) {
    reply = { id: request.id, error: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply, 'x' in reply ? [reply.x.buffer as ArrayBuffer] : []);
});
