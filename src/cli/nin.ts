#!/usr/bin/env node
// The `nin` command: summary | train | eval | predict | explain | compare | serve | export. Every error prints one line (a stack trace
// only with NIN_DEBUG set): bad options, input files, models or output directories, and a missing oneDNN addon exit 2, a diverged training run 3, a run
// stopped by SIGINT/SIGTERM 130/143 (after writing its checkpoint), anything else — a bug — 1.
import { PACKAGE_VERSION } from '../version.js';
import { UsageError } from './args.js';
import { COMMANDS as commands } from './commands.js';
import { didYouMean } from './did_you_mean.js';
import { SIGNAL_EXIT_CODES } from './stop_on_signals.js';

const usage = `nin: Network in Network (d2l chapter) on Fashion-MNIST, TF.js + oneDNN

usage: nin <command> [options]     (nin <command> --help for its options; nin --version)

${Object.values(commands)
  .map((c) => `  ${c.help.split('\n')[0]}`)
  .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(PACKAGE_VERSION);
    return 0;
  }
  const command = commands[name];
  if (!command)
    throw new UsageError(
      `unknown command '${name}'${didYouMean(name, Object.keys(commands))} (commands: ${Object.keys(commands).join(', ')})`,
    );
  await command.run(rest);
  return 0;
}

/** Errors in what the user gave us, by name (the classes live in the layers that detect them). */
const USER_ERRORS = [
  'UsageError',
  'DataError',
  'ModelFileError',
  'ImageError',
  'OutputError',
  'ClassMapsError',
  'EngineUnavailableError',
  'OnnxExportError',
  'ModelInputError',
];

function exitCodeOf(err: Error): number {
  if (err.name === 'TrainingInterrupted')
    return SIGNAL_EXIT_CODES[String((err as Error & { reason?: unknown }).reason)] ?? 130;
  if (err.name === 'DivergenceError') return 3;
  return USER_ERRORS.includes(err.name) ? 2 : 1;
}

function fail(err: unknown): never {
  const error = err instanceof Error ? err : new Error(String(err));
  const code = exitCodeOf(error);
  const oneLine = error.message.replace(/\s*\n\s*/g, ' ');
  process.stderr.write(error.name === 'TrainingInterrupted' ? `nin: ${oneLine}\n` : `nin: error: ${oneLine}\n`);
  if (code === 1 && process.env.NIN_DEBUG) process.stderr.write(`${error.stack}\n`);
  process.exit(code);
}

// an error thrown outside main's promise chain (an event handler, say) is reported the same way
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main(process.argv.slice(2)).then((code) => process.exit(code), fail);
