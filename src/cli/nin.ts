#!/usr/bin/env node
// The `nin` command: summary | train | eval | predict | serve. Usage errors print one line and exit 2.
import { UsageError } from './args.js';
import { evalHelp, evaluate } from './eval.js';
import { predict, predictHelp } from './predict.js';
import { serve, serveHelp } from './serve.js';
import { summary, summaryHelp } from './summary.js';
import { train, trainHelp } from './train.js';

const commands: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  summary: { run: summary, help: summaryHelp },
  train: { run: train, help: trainHelp },
  eval: { run: evaluate, help: evalHelp },
  predict: { run: predict, help: predictHelp },
  serve: { run: serve, help: serveHelp },
};

const usage = `nin: Network in Network (d2l chapter) on Fashion-MNIST, TF.js + oneDNN

usage: nin <command> [options]     (nin <command> --help for its options)

${Object.values(commands).map((c) => '  ' + c.help.split('\n')[0]).join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(commands).join(', ')})`);
  await command.run(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    // errors in what the user gave us (options, files, models) are exit 2; anything else is a failure (exit 1)
    const known = err instanceof UsageError || ['DataError', 'ModelNotFoundError', 'ImageError'].includes(err.name);
    process.stderr.write(`nin: error: ${err.message}\n`);
    if (!known && process.env.NIN_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exit(known ? 2 : 1);
  },
);
