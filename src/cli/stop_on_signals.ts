// Ctrl-C (or a SIGTERM from a scheduler) during training: the first signal asks the trainer to stop after the
// current step and write a checkpoint, and removes the handlers, so a second signal has its default effect and ends
// the process at once, even inside a long native kernel (the shell then reports 130 for SIGINT).

/** The conventional exit status of a program that stopped because of a signal: 128 + its number. */
export const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** An AbortSignal that fires (its reason the signal's name) on the first SIGINT or SIGTERM; `dispose` unhooks it. */
export function stopOnSignals(onFirst: (name: NodeJS.Signals) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const dispose = () => SIGNALS.forEach((name) => process.off(name, handler));
  function handler(name: NodeJS.Signals) {
    dispose();
    onFirst(name);
    controller.abort(name);
  }
  SIGNALS.forEach((name) => process.on(name, handler));
  return { signal: controller.signal, dispose };
}

/** stopOnSignals for a training command: the first signal says on stderr what happens now. */
export function stopTrainingOnSignals(): { signal: AbortSignal; dispose(): void } {
  return stopOnSignals((name) =>
    process.stderr.write(
      `\nnin: ${name}: stopping after this step to write a checkpoint (Ctrl-C again quits at once)\n`,
    ),
  );
}
