// The runs directory the runs page shows: every run directory directly inside it (one with a record.json or a
// metrics.jsonl, as `nin train` writes them), and the parameter-economy table `nin compare` writes into
// <runs>/compare/. A run's finished epochs are read from its record.json, which `nin train` rewrites after every
// epoch. Run ids name a directory inside the root and nothing else: they are checked by shape, and the directory's
// real path must lie in the root, so neither `..` nor a symlink leads out.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { findModelDir } from '../training/find_model_dir.js';
import type { MetricPoint } from '../training/progress_board.js';
import { RunDir } from '../training/run_dir.js';
import type { RunRecordOnDisk } from '../training/run_record.js';
import type { EpochSummary } from '../training/trainer_state.js';
import { parseMetricLines } from './metric_lines.js';

const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

/** Where `nin compare` writes its table, inside the runs directory. */
export const COMPARE_DIR = 'compare';

/** A record.json as read from disk: any field may be missing or of another type. */
export type RunRecordFile = RunRecordOnDisk;

export interface RunSummary {
  id: string;
  model: string | null;
  parameters: number | null;
  epochsDone: number;
  /** epochs the run was started for */
  epochs: number | null;
  resize: number | null;
  /** the recipe's preset (d2l for runs of earlier versions) and its (peak) learning rate */
  recipe: string | null;
  lr: number | null;
  batchSize: number | null;
  /** validation accuracy after the last finished epoch */
  valAcc: number | null;
  /** whether the final model was saved (the run finished) */
  finished: boolean;
  /** last change to its record or metrics */
  updated: string;
}

export type CompareRow = Record<string, string | number | boolean | null>;

export interface CompareTable {
  /** compare.json's models, one row each */
  rows: CompareRow[] | null;
  /** compare.md as written */
  markdown: string | null;
}

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export class RunsDirectory {
  constructor(readonly root: string) {}

  /** Run `id`, or undefined when `id` is not a run directory directly inside the root. */
  run(id: string): RunDir | undefined {
    if (!RUN_ID.test(id)) return undefined;
    const run = new RunDir(join(this.root, id));
    if (!existsSync(run.record) && !existsSync(run.metricsJsonl)) return undefined;
    try {
      return dirname(realpathSync(run.path)) === realpathSync(this.root) ? run : undefined;
    } catch {
      return undefined;
    }
  }

  /** All runs, most recently updated first. */
  list(): RunSummary[] {
    let names: string[];
    try {
      names = readdirSync(this.root, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return []; // no runs directory yet
    }
    return names
      .flatMap((id) => {
        const run = this.run(id);
        return run ? [this.summary(id, run)] : [];
      })
      .sort((a, b) => b.updated.localeCompare(a.updated) || a.id.localeCompare(b.id));
  }

  summary(id: string, run: RunDir): RunSummary {
    const record = this.record(run) ?? {};
    const config = record.config ?? {};
    const epochs = this.epochs(run, record);
    const recipe =
      config.recipe && typeof config.recipe === 'object' ? (config.recipe as Record<string, unknown>) : undefined;
    const mtimes = [run.record, run.metricsJsonl].filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs);
    return {
      id,
      model: typeof record.model?.name === 'string' ? record.model.name : null,
      parameters: numberOrNull(record.model?.parameters),
      epochsDone: epochs.length,
      epochs: numberOrNull(config.epochs),
      resize: numberOrNull(config.resize),
      recipe: typeof recipe?.preset === 'string' ? recipe.preset : config.lr === undefined ? null : 'd2l',
      lr: numberOrNull(recipe?.lr ?? config.lr),
      batchSize: numberOrNull(config.batchSize),
      valAcc: numberOrNull(epochs.at(-1)?.valAcc),
      finished: existsSync(join(run.model, 'model.json')),
      updated: new Date(Math.max(0, ...mtimes)).toISOString(),
    };
  }

  /** The run's record.json, or undefined when there is none or it is not a JSON object. */
  record(run: RunDir): RunRecordFile | undefined {
    const value = readJson(run.record);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as RunRecordFile) : undefined;
  }

  /** The summaries of the run's finished epochs, from its record (which `nin train` rewrites after every epoch). */
  epochs(run: RunDir, record = this.record(run)): Partial<EpochSummary>[] {
    return Array.isArray(record?.epochs) ? record.epochs : [];
  }

  metrics(run: RunDir): MetricPoint[] {
    return existsSync(run.metricsJsonl) ? parseMetricLines(readFileSync(run.metricsJsonl, 'utf8')) : [];
  }

  /** The parameter-economy table of <root>/compare/, when `nin compare` has written one. */
  compare(): CompareTable {
    const dir = join(this.root, COMPARE_DIR);
    const json = readJson(join(dir, 'compare.json')) as { models?: unknown } | undefined;
    const models = Array.isArray(json?.models)
      ? json.models.filter((m) => m && typeof m === 'object' && !Array.isArray(m))
      : null;
    const markdownFile = join(dir, 'compare.md');
    return {
      rows: models && (models as Record<string, unknown>[]).map(compareRow),
      markdown: existsSync(markdownFile) ? readFileSync(markdownFile, 'utf8') : null,
    };
  }

  /** The model of the most recently updated run that has one, for `nin serve` without --model. */
  newestModelDir(): string | undefined {
    for (const { id } of this.list()) {
      try {
        return findModelDir(join(this.root, id));
      } catch {
        // a run without a model yet (still in its first epoch)
      }
    }
    return undefined;
  }
}

/** Scalars as they are; anything nested as its JSON text. */
function compareRow(model: Record<string, unknown>): CompareRow {
  return Object.fromEntries(
    Object.entries(model).map(([key, v]) => [
      key,
      v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as CompareRow[string]) : JSON.stringify(v),
    ]),
  );
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // missing, or caught mid-write by an editor: the page shows what it can
  }
}
