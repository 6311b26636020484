// The DataModule's batches: every example exactly once per epoch, the last partial batch kept, a reproducible
// shuffle per (seed, epoch), the validation split in file order, the same batches from the worker and inline,
// and dataMs on every batch. Small generated files whose image i has every pixel = i, so a batch says what it holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { DataError } from '../../src/data/data_error.js';
import { DEBIAN_DATASET_DIR } from '../../src/data/data_sources.js';
import { FashionMNIST, type FashionMNISTOptions } from '../../src/data/fashion_mnist.js';
import { FASHION_MNIST_DIGESTS } from '../../src/data/fashion_mnist_files.js';
import type { Batch } from '../../src/data/prefetch_batches.js';
import { digestsOf, smallDataset, withTempDir, writeDataset } from './fixtures.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

delete process.env.FASHION_MNIST_DIR;

const TRAIN = 50;
const TEST = 23;
const RESIZE = 67;

/** The example index each image of the batch holds (its constant pixel value). */
function exampleIds(batch: Batch): number[] {
  const pixels = RESIZE * RESIZE;
  return Array.from({ length: batch.size }, (_, i) => Math.round(batch.x[i * pixels]! * 255));
}

async function collect(batches: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

describe('FashionMNIST batches', () => {
  let dir: string;
  let options: FashionMNISTOptions;
  const modules: FashionMNIST[] = [];
  const make = (extra: Partial<FashionMNISTOptions> = {}) => {
    const data = new FashionMNIST({ ...options, ...extra });
    modules.push(data);
    return data;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nin-batches-'));
    const files = smallDataset(TRAIN, TEST);
    await writeDataset(dir, files, true);
    options = { batchSize: 8, resize: RESIZE, seed: 5, dataDir: dir, expected: digestsOf(files) };
  });
  after(async () => {
    for (const data of modules) await data.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('yields every training example exactly once per epoch, keeping the last partial batch', async () => {
    const data = make();
    const loaded = await data.prepare();
    assert.equal(loaded.trainBatches, 7);
    assert.equal(data.numTrainBatches(), 7);
    assert.equal(data.numValBatches(), 3);
    assert.equal(data.numTrainExamples(), TRAIN);
    const batches = await collect(data.trainDataloader(0));
    assert.deepEqual(
      batches.map((b) => b.size),
      [8, 8, 8, 8, 8, 8, 2],
    );
    assert.deepEqual(
      batches.map((b) => b.index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    const ids = batches.flatMap(exampleIds);
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: TRAIN }, (_, i) => i),
    );
    assert.notDeepEqual(
      ids,
      Array.from({ length: TRAIN }, (_, i) => i),
    ); // shuffled
  });

  it('gives each batch its labels, NHWC shape, values in [0, 1] and a dataMs', async () => {
    for (const batch of await collect(make().trainDataloader(1))) {
      assert.deepEqual(batch.shape, [batch.size, RESIZE, RESIZE, 1]);
      assert.equal(batch.x.length, batch.size * RESIZE * RESIZE);
      assert.ok(batch.x.every((v) => v >= 0 && v <= 1));
      assert.deepEqual(
        [...batch.y],
        exampleIds(batch).map((id) => id % 10),
      );
      assert.ok(Number.isFinite(batch.dataMs) && batch.dataMs >= 0);
    }
  });

  it('same seed → same order; new epoch → new order; new seed → new order', async () => {
    const order = async (data: FashionMNIST, epoch: number) =>
      (await collect(data.trainDataloader(epoch))).flatMap(exampleIds);
    const a = make();
    const b = make();
    assert.deepEqual(await order(a, 0), await order(b, 0));
    assert.notDeepEqual(await order(a, 1), await order(a, 0));
    assert.notDeepEqual(await order(make({ seed: 6 }), 0), await order(a, 0));
  });

  it('counts epochs itself when none is given', async () => {
    const data = make();
    const first = (await collect(data.trainDataloader())).flatMap(exampleIds);
    const second = (await collect(data.trainDataloader())).flatMap(exampleIds);
    assert.deepEqual(first, (await collect(data.trainDataloader(0))).flatMap(exampleIds));
    assert.deepEqual(second, (await collect(data.trainDataloader(1))).flatMap(exampleIds));
  });

  it('resumes an epoch at a batch: the same batches as the whole epoch from there on, the earlier ones never prepared', async () => {
    const whole = await collect(make().trainDataloader(3));
    for (const prefetch of [0, 2]) {
      const tail = await collect(make({ prefetch }).trainDataloader(3, 4));
      assert.deepEqual(
        tail.map((b) => b.index),
        [4, 5, 6],
      );
      assert.deepEqual(tail.map(exampleIds), whole.slice(4).map(exampleIds));
    }
    assert.deepEqual(await collect(make().trainDataloader(3, 7)), [], 'past the last batch: nothing left');
    assert.throws(
      () => make().trainDataloader(0, -1),
      (e: unknown) => e instanceof DataError && e.message.includes('startBatch is -1'),
    );
  });

  it('yields the validation split in file order, unshuffled, last batch partial', async () => {
    const batches = await collect(make().valDataloader());
    assert.deepEqual(
      batches.map((b) => b.size),
      [8, 8, 7],
    );
    assert.deepEqual(
      batches.flatMap(exampleIds),
      Array.from({ length: TEST }, (_, i) => i),
    );
  });

  it('prefetching in the worker and resizing inline give identical batches', async () => {
    const viaWorker = await collect(make({ prefetch: 3 }).trainDataloader(2));
    const inline = await collect(make({ prefetch: 0 }).trainDataloader(2));
    assert.equal(viaWorker.length, inline.length);
    for (let i = 0; i < inline.length; i++) {
      assert.deepEqual(viaWorker[i]!.x, inline[i]!.x);
      assert.deepEqual(viaWorker[i]!.y, inline[i]!.y);
    }
  });

  it('limits take the first N examples of the file, shuffled among themselves', async () => {
    const data = make({ limitTrain: 20, limitTest: 10 });
    const ids = (await collect(data.trainDataloader(0))).flatMap(exampleIds);
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.deepEqual(
      (await collect(data.valDataloader())).flatMap(exampleIds),
      Array.from({ length: 10 }, (_, i) => i),
    );
  });

  it('survives a consumer that stops early, and later epochs still work', async () => {
    const data = make({ prefetch: 4 });
    for await (const batch of data.trainDataloader(0)) if (batch.index === 1) break;
    assert.equal((await collect(data.trainDataloader(1))).flatMap(exampleIds).length, TRAIN);
    await data.close();
    assert.equal((await collect(data.valDataloader())).length, 3); // restarts the worker
  });

  it('records the checksums of the four files it read', async () => {
    const data = make();
    await data.prepare();
    const checksums = data.checksums();
    assert.deepEqual(Object.keys(checksums).sort(), Object.keys(FASHION_MNIST_DIGESTS).sort());
    for (const file of Object.values(checksums)) {
      assert.equal(file.path, join(dir, `${file.name}.gz`));
      assert.equal(file.sha256, options.expected![file.name].sha256);
    }
  });

  it('rejects bad options at construction, before reading anything', () => {
    const bad: [Partial<FashionMNISTOptions>, string][] = [
      [{ resize: 0 }, 'resize is 0; expected a positive integer side'],
      [{ batchSize: 0 }, 'option batchSize is 0'],
      [{ seed: 1.5 }, 'option seed is 1.5'],
      [{ prefetch: -1 }, 'option prefetch is -1'],
      [{ limitTrain: 0 }, 'option limitTrain is 0'],
    ];
    for (const [override, message] of bad) {
      assert.throws(
        () => new FashionMNIST({ ...options, ...override }),
        (e: unknown) => e instanceof DataError && e.message.includes(message),
      );
    }
  });

  it('surfaces a load error from the dataloader, and counters before prepare() say what to do', async () => {
    await withTempDir(async (empty) => {
      const data = make({ dataDir: join(empty, 'missing') });
      assert.throws(() => data.numTrainBatches(), /await data.prepare\(\) first/);
      await assert.rejects(
        collect(data.trainDataloader(0)),
        (e: unknown) => e instanceof DataError && e.message.includes('missing'),
      );
    });
  });

  it('serves real data: the first validation batch of the real test split', async () => {
    const data = make({
      dataDir: DEBIAN_DATASET_DIR,
      expected: undefined,
      limitTrain: 64,
      limitTest: 16,
      batchSize: 16,
    });
    const [batch] = await collect(data.valDataloader());
    const loaded = await data.prepare();
    assert.deepEqual([...batch!.y], [...loaded.val.labels.subarray(0, 16)]);
    assert.equal(batch!.y[0], 9); // the first test image is an ankle boot
    assert.equal(
      loaded.checksums['train-images-idx3-ubyte'].sha256,
      FASHION_MNIST_DIGESTS['train-images-idx3-ubyte'].sha256,
    );
  });
});
