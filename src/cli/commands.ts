// The `nin` commands by name: what each runs, its help text and the options it accepts.
import type { Options } from './args.js';
import { compare, compareHelp, compareOptions } from './compare.js';
import { evalHelp, evalOptions, evaluate } from './eval.js';
import { explain, explainHelp, explainOptions } from './explain.js';
import { exportHelp, exportModel, exportOptions } from './export.js';
import { predict, predictHelp, predictOptions } from './predict.js';
import { serve, serveHelp, serveOptions } from './serve.js';
import { summary, summaryHelp, summaryOptions } from './summary.js';
import { train, trainHelp, trainOptions } from './train.js';

export interface Command {
  run: (argv: string[]) => Promise<void>;
  help: string;
  options: Options;
}

export const COMMANDS: Record<string, Command> = {
  summary: { run: summary, help: summaryHelp, options: summaryOptions },
  train: { run: train, help: trainHelp, options: trainOptions },
  eval: { run: evaluate, help: evalHelp, options: evalOptions },
  predict: { run: predict, help: predictHelp, options: predictOptions },
  explain: { run: explain, help: explainHelp, options: explainOptions },
  compare: { run: compare, help: compareHelp, options: compareOptions },
  serve: { run: serve, help: serveHelp, options: serveOptions },
  export: { run: exportModel, help: exportHelp, options: exportOptions },
};
