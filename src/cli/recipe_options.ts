// The recipe options of `nin train` and `nin compare`: --recipe picks a preset, and each setting can be given on its
// own on top of it (the run record keeps them all).
import { type ModelRates, recipePreset, RECIPE_NAMES, type Recipe, OPTIMIZERS, SCHEDULES, INITS } from '../training/recipe.js';
import { choice, int, numberIn, positiveNumber } from './args.js';

const SWITCHES = ['on', 'off'] as const;

export const recipeOption = Object.fromEntries(
  ['recipe', 'optimizer', 'lr', 'momentum', 'weight-decay', 'schedule', 'warmup', 'init', 'last-bias', 'label-smoothing',
    'translate', 'flip', 'tta'].map((name) => [name, { type: 'string' as const }]),
);

export const recipeHelp = `  --recipe NAME         d2l (default: the book's plain SGD at the model's d2l rate, Xavier, no augmentation)
                        or robust (AdamW, warm-up then linear decay, weight decay, He init, a positive initial
                        bias of the class scores, label smoothing; no augmentation, no TTA);
                        the options below change one setting of it
  --optimizer NAME      ${OPTIMIZERS.join(', ')}
  --lr X                (peak) learning rate (default the recipe's for the model)
  --momentum M          Nesterov momentum (with --optimizer nesterov; default 0.9)
  --weight-decay W      decoupled (adamw) or L2 (sgd, nesterov) weight decay of the kernels
  --schedule NAME       after the warm-up: ${SCHEDULES.join(', ')} (decay to 0 at the last step)
  --warmup E            epochs of linear warm-up (fractions allowed)
  --init NAME           kernel initialisation: ${INITS.join(', ')}
  --last-bias B         initial bias of NiN's last 1×1 convolution (its class scores)
  --label-smoothing S   label smoothing of the training loss
  --translate N         random shift of training images by up to N pixels (of 28), each axis
  --flip on|off         random horizontal flip of training images
  --tta on|off          validate on the mean logits of each image and its mirror image`;

/** The recipe the options ask for, for a model with learning rates `rates`. */
export function recipeFromOptions(v: Record<string, string | undefined>, rates: ModelRates): Recipe {
  const preset = recipePreset(choice(v.recipe, 'recipe', RECIPE_NAMES, 'd2l'), rates);
  return overrideRecipe(preset, v);
}

/** `recipe` with the settings that the options give replaced. */
export function overrideRecipe(recipe: Recipe, v: Record<string, string | undefined>): Recipe {
  const optimizer = choice(v.optimizer, 'optimizer', OPTIMIZERS, recipe.optimizer);
  const defaultMomentum = optimizer === 'nesterov' && recipe.momentum === 0 ? 0.9 : recipe.momentum;
  const momentum = numberIn(v.momentum, 'momentum', { min: 0, max: 0.999, fallback: defaultMomentum });
  return {
    preset: recipe.preset,
    optimizer,
    lr: positiveNumber(v.lr, 'lr', recipe.lr),
    momentum: optimizer === 'nesterov' ? momentum : 0,
    weightDecay: numberIn(v['weight-decay'], 'weight-decay', { min: 0, max: 0.5, fallback: recipe.weightDecay }),
    schedule: choice(v.schedule, 'schedule', SCHEDULES, recipe.schedule),
    warmupEpochs: numberIn(v.warmup, 'warmup', { min: 0, max: 1000, fallback: recipe.warmupEpochs }),
    init: choice(v.init, 'init', INITS, recipe.init),
    lastBias: numberIn(v['last-bias'], 'last-bias', { min: -10, max: 10, fallback: recipe.lastBias }),
    labelSmoothing: numberIn(v['label-smoothing'], 'label-smoothing', { min: 0, max: 0.5, fallback: recipe.labelSmoothing }),
    translate: int(v.translate, 'translate', { min: 0, max: 8, fallback: recipe.translate }),
    flip: choice(v.flip, 'flip', SWITCHES, recipe.flip ? 'on' : 'off') === 'on',
    tta: choice(v.tta, 'tta', SWITCHES, recipe.tta ? 'on' : 'off') === 'on',
  };
}
