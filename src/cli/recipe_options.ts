// The recipe options of `nin train` and `nin compare`: --recipe picks a preset, and each setting can be given on its
// own on top of it (the run record keeps them all).
import {
  type ModelRates,
  recipePreset,
  RECIPE_NAMES,
  type Recipe,
  OPTIMIZERS,
  SCHEDULES,
  INITS,
} from '../training/recipe.js';
import { choice, int, numberIn, positiveNumber } from './args.js';

const SWITCHES = ['on', 'off'] as const;

export const recipeOption = Object.fromEntries(
  [
    'recipe',
    'optimizer',
    'lr',
    'momentum',
    'weight-decay',
    'schedule',
    'warmup',
    'init',
    'last-bias',
    'label-smoothing',
    'translate',
    'flip',
    'tta',
    'ema',
  ].map((name) => [name, { type: 'string' as const }]),
);

// Each setting's defaults, read from the presets (the learning rate depends on the model: shown apart).
const D2L = recipePreset('d2l', { lr: 0, robustLr: 0 });
const ROBUST = recipePreset('robust', { lr: 0, robustLr: 0 });
const onOff = (b: boolean) => (b ? 'on' : 'off');
const defaults = <K extends keyof Recipe>(key: K, show: (v: Recipe[K]) => string = String) =>
  `(default d2l: ${show(D2L[key])}, robust: ${show(ROBUST[key])})`;

export const recipeHelp = `  --recipe NAME         d2l (default: the book's plain SGD at the model's d2l rate, Xavier, no augmentation)
                        or robust (AdamW, warm-up then linear decay, weight decay, He init, a positive initial
                        bias of the class scores, label smoothing; no augmentation, no TTA);
                        the options below change one setting of it
  --optimizer NAME      ${OPTIMIZERS.join(', ')} ${defaults('optimizer')}
  --lr X                (peak) learning rate (default the recipe's for the model)
  --momentum M          Nesterov momentum (with --optimizer nesterov; default 0.9)
  --weight-decay W      kernel weight decay, decoupled (adamw) or L2 ${defaults('weightDecay')}
  --schedule NAME       after the warm-up: ${SCHEDULES.join(', ')} (decay to 0 at the last step)
                        ${defaults('schedule')}
  --warmup E            epochs of linear warm-up (fractions allowed) ${defaults('warmupEpochs')}
  --init NAME           kernel initialisation: ${INITS.join(', ')} ${defaults('init')}
  --last-bias B         initial bias of NiN's class scores (last 1×1 conv) ${defaults('lastBias')}
  --label-smoothing S   label smoothing of the training loss ${defaults('labelSmoothing')}
  --translate N         shift training images by up to N px of 28 ${defaults('translate')}
  --flip on|off         random horizontal flip of training images ${defaults('flip', onOff)}
  --tta on|off          validate on the mean logits of image and mirror ${defaults('tta', onOff)}
  --ema D               validate and save an exponential moving average of the weights with decay D
                        (0: none; the epoch line also shows the last weights' accuracy) ${defaults('ema')}`;

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
    labelSmoothing: numberIn(v['label-smoothing'], 'label-smoothing', {
      min: 0,
      max: 0.5,
      fallback: recipe.labelSmoothing,
    }),
    translate: int(v.translate, 'translate', { min: 0, max: 8, fallback: recipe.translate }),
    flip: choice(v.flip, 'flip', SWITCHES, recipe.flip ? 'on' : 'off') === 'on',
    tta: choice(v.tta, 'tta', SWITCHES, recipe.tta ? 'on' : 'off') === 'on',
    ema: numberIn(v.ema, 'ema', { min: 0, max: 0.99999, fallback: recipe.ema }),
  };
}
