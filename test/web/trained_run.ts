// A small trained run for the browser test, made by `nin train`'s own trainRun: NiN at 67×67, one epoch of 400
// steps on 6,400 images, but with Adam instead of SGD, which gets NiN off its initial plateau at loss 2.30 within
// them (validation accuracy 0.55–0.6; SGD at the chapter's rates needs about 600 steps to leave it), so that the
// model gets test images right and the test means something.
import { trainRun, type TrainConfig } from '../../src/cli/train.js';
import { FashionMNIST } from '../../src/data/index.js';
import { NiN } from '../../src/model/nin.js';
import { MODELS } from '../../src/model/zoo.js';
import { recipePreset } from '../../src/training/recipe.js';
import { RunDir } from '../../src/training/run_dir.js';

export async function trainSmallRun(dir: string): Promise<RunDir> {
  const recipe = { ...recipePreset('d2l', MODELS.nin), optimizer: 'adamw' as const, lr: 0.0005 }; // Adam: no weight decay
  const config: TrainConfig = {
    epochs: 1,
    recipe,
    batchSize: 16,
    resize: 67,
    seed: 1,
    limitTrain: 6400,
    limitTest: 320,
    backend: 'onednn',
    model: 'nin',
    precision: 'fp32',
    checkpointEvery: 100,
    keep: 1,
  };
  const data = new FashionMNIST({ ...config });
  const run = new RunDir(dir);
  try {
    await data.prepare();
    const model = new NiN({ resize: config.resize, lr: recipe.lr, seed: config.seed });
    run.create();
    await trainRun(run, config, 'onednn', model, data);
  } finally {
    data.close();
  }
  return run;
}
