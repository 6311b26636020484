// How a model is trained, apart from the model itself: optimizer, learning-rate schedule, weight decay,
// initialisation, label smoothing, data augmentation and test-time augmentation. A recipe is a preset of these
// settings; every setting can also be given on its own. `d2l` is the book's training, unchanged (plain SGD at the
// model's d2l rate, Xavier, no augmentation); `robust` trains the same networks reliably (see the README's ablation).
// Augmentation, flip TTA and weight averaging are options, off in both presets: at the quick-start budget
// augmentation and TTA cost accuracy.

export const OPTIMIZERS = ['sgd', 'nesterov', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
/** What the learning rate does after the warm-up: stay, or fall to 0 at the last step (cosine or straight). */
export const SCHEDULES = ['constant', 'cosine', 'linear'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];
export const INITS = ['xavier', 'he'] as const;
export type InitName = (typeof INITS)[number];
export const RECIPE_NAMES = ['d2l', 'robust'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

export interface Recipe {
  /** the preset these settings started from */
  preset: RecipeName;
  optimizer: OptimizerName;
  /** peak learning rate (the constant one under `constant` without warm-up) */
  lr: number;
  /** Nesterov momentum (optimizer nesterov only) */
  momentum: number;
  /** decoupled (AdamW) or L2 (SGD) weight decay of the kernels; biases are not decayed */
  weightDecay: number;
  schedule: ScheduleName;
  /** epochs of linear warm-up from 0 to `lr` (fractions allowed) */
  warmupEpochs: number;
  init: InitName;
  /** initial bias of the last convolution of NiN's last block (its class scores); other models ignore it */
  lastBias: number;
  labelSmoothing: number;
  /** random translation of the 28×28 training image by up to this many pixels, each axis */
  translate: number;
  /** random horizontal flip of training images */
  flip: boolean;
  /** validation and evaluation average the logits of each image and its mirror image */
  tta: boolean;
  /**
   * decay of an exponential moving average of the weights, which validation and the saved model use (training
   * goes on with the last step's weights); 0: no average
   */
  ema: number;
}

export type RecipeSettings = Omit<Recipe, 'preset'>;

/** The learning rates of a model (its zoo entry): d2l's, and the peak rate of the robust recipe. */
export interface ModelRates {
  lr: number;
  robustLr: number;
}

/** The settings of preset `name` for a model with learning rates `rates`. */
export function recipePreset(name: RecipeName, rates: ModelRates): Recipe {
  if (name === 'd2l') {
    return {
      preset: 'd2l',
      optimizer: 'sgd',
      lr: rates.lr,
      momentum: 0,
      weightDecay: 0,
      schedule: 'constant',
      warmupEpochs: 0,
      init: 'xavier',
      lastBias: 0,
      labelSmoothing: 0,
      translate: 0,
      flip: false,
      tta: false,
      ema: 0,
    };
  }
  return {
    preset: 'robust',
    optimizer: 'adamw',
    lr: rates.robustLr,
    momentum: 0,
    weightDecay: 0.05,
    schedule: 'linear',
    warmupEpochs: 1,
    init: 'he',
    lastBias: 1,
    labelSmoothing: 0.1,
    translate: 0,
    flip: false,
    tta: false,
    ema: 0,
  };
}

/** Checks every setting; throws a RangeError naming the first bad one. */
export function checkRecipe(recipe: Recipe): Recipe {
  const bad = (what: string) => {
    throw new RangeError(`recipe setting ${what}`);
  };
  if (!RECIPE_NAMES.includes(recipe.preset))
    bad(`preset must be one of ${RECIPE_NAMES.join(', ')}, got ${recipe.preset}`);
  if (!OPTIMIZERS.includes(recipe.optimizer))
    bad(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${recipe.optimizer}`);
  if (!SCHEDULES.includes(recipe.schedule))
    bad(`schedule must be one of ${SCHEDULES.join(', ')}, got ${recipe.schedule}`);
  if (!INITS.includes(recipe.init)) bad(`init must be one of ${INITS.join(', ')}, got ${recipe.init}`);
  if (!(recipe.lr > 0 && Number.isFinite(recipe.lr))) bad(`lr must be a positive number, got ${recipe.lr}`);
  if (!(recipe.momentum >= 0 && recipe.momentum < 1)) bad(`momentum must be in [0, 1), got ${recipe.momentum}`);
  if (!(recipe.weightDecay >= 0 && recipe.weightDecay < 1))
    bad(`weightDecay must be in [0, 1), got ${recipe.weightDecay}`);
  if (!(recipe.warmupEpochs >= 0 && Number.isFinite(recipe.warmupEpochs)))
    bad(`warmupEpochs must be ≥ 0, got ${recipe.warmupEpochs}`);
  if (!Number.isFinite(recipe.lastBias)) bad(`lastBias must be a finite number, got ${recipe.lastBias}`);
  if (!(recipe.labelSmoothing >= 0 && recipe.labelSmoothing < 1))
    bad(`labelSmoothing must be in [0, 1), got ${recipe.labelSmoothing}`);
  if (!(Number.isInteger(recipe.translate) && recipe.translate >= 0 && recipe.translate <= 8))
    bad(`translate must be an integer from 0 to 8, got ${recipe.translate}`);
  if (!(recipe.ema >= 0 && recipe.ema < 1)) bad(`ema must be in [0, 1), got ${recipe.ema}`);
  if (typeof recipe.flip !== 'boolean' || typeof recipe.tta !== 'boolean') bad('flip and tta must be true or false');
  return recipe;
}

/** One line for logs: `robust (adamw lr 0.002, wd 0.05, linear after 1 warm-up epoch, he, smoothing 0.1, …)`. */
export function describeRecipe(r: Recipe): string {
  const parts = [
    `${r.optimizer}${r.optimizer === 'nesterov' ? ` ${r.momentum}` : ''} lr ${r.lr}`,
    ...(r.weightDecay ? [`wd ${r.weightDecay}`] : []),
    r.warmupEpochs
      ? `${r.schedule} after ${r.warmupEpochs} warm-up epoch${r.warmupEpochs === 1 ? '' : 's'}`
      : r.schedule,
    `${r.init} init`,
    ...(r.lastBias ? [`last bias ${r.lastBias}`] : []),
    ...(r.labelSmoothing ? [`label smoothing ${r.labelSmoothing}`] : []),
    ...(r.translate ? [`translate ±${r.translate} px`] : []),
    ...(r.flip ? ['flip'] : []),
    ...(r.tta ? ['flip TTA'] : []),
    ...(r.ema ? [`weight average ${r.ema}`] : []),
  ];
  return `${r.preset} (${parts.join(', ')})`;
}

/** What the model is built with under `recipe` (the network itself is the same under every recipe). */
export function modelSettings(recipe: Recipe): {
  lr: number;
  init: InitName;
  lastBias: number;
  labelSmoothing: number;
  tta: boolean;
} {
  return {
    lr: recipe.lr,
    init: recipe.init,
    lastBias: recipe.lastBias,
    labelSmoothing: recipe.labelSmoothing,
    tta: recipe.tta,
  };
}

/** The training images' augmentation under `recipe`. */
export function augmentation(recipe: Recipe): { translate: number; flip: boolean } {
  return { translate: recipe.translate, flip: recipe.flip };
}
