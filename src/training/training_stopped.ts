// Why Trainer.fit stopped before its last epoch, other than a bug: the loss diverged, or the user asked it to
// stop. Both say where training stood and which checkpoint a resume would start from.

/** The loss (or the weights) became NaN or infinite; training cannot go on with this learning rate. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';

  constructor(
    message: string,
    /** the newest checkpoint, written before the divergence (undefined: none yet) */
    readonly lastGoodCheckpoint: string | undefined,
  ) {
    super(message);
  }
}

/** The options' AbortSignal fired: the current step was finished and a checkpoint written (when there was one to write). */
export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';

  constructor(
    message: string,
    /** the abort reason, e.g. 'SIGINT' */
    readonly reason: unknown,
    /** where a resume starts from (undefined: nothing to resume yet) */
    readonly checkpoint: string | undefined,
  ) {
    super(message);
  }
}
