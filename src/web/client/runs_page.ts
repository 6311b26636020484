// The runs page: the runs of the runs directory, and for the chosen one the d2l curves (drawn by the same code as
// the run's curves.svg), updated live from server-sent events while `nin train` writes the run; its epochs, layer
// walk and configuration; and the parameter-economy table where `nin compare` has written one.
import { curvesSvg } from '../../training/curves_svg.js';
import type { MetricPoint } from '../../training/progress_board.js';
import type { EpochSummary } from '../../training/trainer_state.js';
import type { MetricsEvent } from '../../web/run_events.js';
import type { CompareTable, RunRecordFile, RunSummary } from '../../web/runs_directory.js';
import type { LayerWalk } from '../../web/layer_walk.js';
import { byId, el, fetchJson } from './dom.js';

interface RunDetail {
  summary: RunSummary;
  record: RunRecordFile | null;
  epochs: Partial<EpochSummary>[];
  layers: LayerWalk | null;
}

const REFRESH_LIST_MS = 5000;

let selected: string | undefined;
let events: EventSource | undefined;
let points: MetricPoint[] = [];
let detail: RunDetail | undefined;

function runLine(run: RunSummary): string {
  const parts = [`${run.epochsDone}${run.epochs === null ? '' : `/${run.epochs}`} epochs`];
  if (run.resize !== null) parts.push(`${run.resize}×${run.resize}`);
  if (run.recipe !== null) parts.push(run.recipe);
  if (run.valAcc !== null) parts.push(`val_acc ${run.valAcc.toFixed(3)}`);
  return parts.join(' · ');
}

async function refreshList(): Promise<void> {
  const { runs } = await fetchJson<{ runs: RunSummary[] }>('/api/runs');
  const list = byId('run-list');
  if (runs.length === 0) {
    list.replaceChildren(el('li', { class: 'empty' }, 'no runs yet: start one with nin train --out <runs dir>/<name>'));
    return;
  }
  list.replaceChildren(
    ...runs.map((run) =>
      el(
        'li',
        run.id === selected ? { class: 'selected' } : {},
        el('a', { href: `#${encodeURIComponent(run.id)}`, 'data-run': run.id }, run.id),
        el('small', {}, runLine(run) + (run.finished ? '' : ' · unfinished')),
      ),
    ),
  );
  if (selected === undefined || !runs.some((r) => r.id === selected)) {
    const wanted = hashRunId();
    select(runs.some((r) => r.id === wanted) ? wanted! : runs[0]!.id);
  }
}

/** The run named in the URL's #fragment, if any. */
function hashRunId(): string | undefined {
  try {
    return decodeURIComponent(location.hash.slice(1)) || undefined;
  } catch {
    return undefined;
  }
}

function select(id: string): void {
  if (id === selected && events) return;
  selected = id;
  points = [];
  detail = undefined;
  events?.close();
  byId('run-title').textContent = id;
  byId('live').hidden = true;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#run-list a')) {
    link.parentElement!.classList.toggle('selected', link.dataset.run === id);
  }
  events = new EventSource(`/api/runs/${encodeURIComponent(id)}/events`);
  events.addEventListener('metrics', (e) => {
    const update = JSON.parse((e as MessageEvent<string>).data) as MetricsEvent;
    points = update.reset ? update.points : [...points, ...update.points];
    if (!update.reset) showLive();
    drawCurves();
  });
  events.addEventListener('run', (e) => {
    detail = JSON.parse((e as MessageEvent<string>).data) as RunDetail;
    showDetail(detail);
    drawCurves();
  });
}

function showLive(): void {
  const live = byId('live');
  live.hidden = false;
  live.textContent = `● live, updated ${new Date().toLocaleTimeString()}`;
}

function drawCurves(): void {
  const config = detail?.record?.config ?? {};
  const maxEpochs = typeof config.epochs === 'number' ? config.epochs : 1;
  const summary = detail?.summary;
  const title = summary?.model ? `${summary.model}${summary.lr === null ? '' : `, lr ${summary.lr}`}` : '';
  const figure = byId('curves');
  // curvesSvg writes numbers and an escaped title only, and the server passes on nothing but numeric points
  figure.innerHTML = curvesSvg(points, maxEpochs, title);
  figure.dataset.points = String(points.length);
}

function cell(value: unknown, digits = 4): string {
  return typeof value === 'number'
    ? Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : value.toFixed(digits)
    : value === null || value === undefined
      ? ''
      : String(value);
}

function table(head: string[], rows: unknown[][], format: (value: unknown) => string = cell): HTMLTableElement {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((v) => el('td', {}, format(v)))))),
  );
}

/** A run's dead classes after its last epoch, and since when, as the trainer warns of them. */
function deadClassNote(epochs: Partial<EpochSummary>[]): Node[] {
  const last = epochs.at(-1);
  if (!last?.deadClasses?.length) return [];
  const since = (name: string) => {
    let first = last.epoch;
    for (let i = epochs.length - 1; i >= 0 && epochs[i]!.deadClasses?.includes(name); i--) first = epochs[i]!.epoch;
    return `${name} (since epoch ${first})`;
  };
  return [
    el(
      'p',
      { class: 'warning', id: 'dead-classes' },
      `Dead classes: ${last.deadClasses.map(since).join(', ')}. Their score is 0 for every validation image, so no gradient ` +
        'reaches them and the model will not learn them: train with --recipe robust.',
    ),
  ];
}

function showDetail({ summary, record, epochs, layers }: RunDetail): void {
  const names = (list: string[] | undefined) => (list?.length ? list.join(', ') : '–');
  // a run with a weight average validates it (val_acc) and its last weights
  const averaged = epochs.some((e) => e.valAccLastWeights !== undefined);
  byId('epochs').replaceChildren(
    ...(epochs.length === 0
      ? [el('p', { class: 'muted' }, 'no epoch finished yet')]
      : [
          table(
            [
              'epoch',
              'train_loss',
              'train_acc',
              'val_loss',
              'val_acc',
              ...(averaged ? ['val_acc, last weights'] : []),
              'seconds',
              'img/s',
              'dead classes',
              'never predicted',
            ],
            epochs.map((e) => [
              e.epoch,
              e.trainLoss,
              e.trainAcc,
              e.valLoss,
              e.valAcc,
              ...(averaged ? [e.valAccLastWeights] : []),
              e.seconds === undefined ? null : Math.round(e.seconds),
              e.imagesPerSecond === undefined ? null : Math.round(e.imagesPerSecond),
              names(e.deadClasses),
              names(e.neverPredicted),
            ]),
          ),
          ...deadClassNote(epochs),
        ]),
  );
  const parameters = layers?.parameters ?? summary.parameters;
  byId('model').replaceChildren(
    el(
      'p',
      {},
      `${summary.model ?? 'model'}: `,
      el('strong', { id: 'parameters' }, parameters === null ? 'unknown' : parameters.toLocaleString('en-US')),
      ' parameters',
      summary.resize === null ? '' : `, input ${summary.resize}×${summary.resize}×1`,
    ),
    layers
      ? el('pre', { id: 'layers' }, layers.layers.join('\n'))
      : el('p', { class: 'muted' }, 'no layer walk for this run'),
  );
  // the recipe's settings are one level down: shown as recipe.optimizer, recipe.lr, …
  const config = Object.fromEntries(
    Object.entries(record?.config ?? {}).flatMap(([key, value]) =>
      value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => [`${key}.${k}`, v]) : [[key, value]],
    ),
  );
  byId('config').replaceChildren(
    table(Object.keys(config), [Object.values(config)], (v) => (v === null || v === undefined ? '' : String(v))),
  );
}

async function showCompare(): Promise<void> {
  const compare = await fetchJson<CompareTable & { dir: string }>('/api/compare');
  const section = byId('compare');
  const body: Node[] = [];
  if (compare.rows && compare.rows.length > 0) {
    const columns = [...new Set(compare.rows.flatMap((row) => Object.keys(row)))];
    body.push(
      table(
        columns,
        compare.rows.map((row) => columns.map((c) => row[c])),
      ),
    );
  } else if (compare.markdown !== null) {
    body.push(el('pre', {}, compare.markdown));
  }
  section.hidden = body.length === 0;
  byId('compare-body').replaceChildren(...body);
}

window.addEventListener('hashchange', () => {
  const id = hashRunId();
  if (id !== undefined) select(id);
});
refreshList()
  .then(() => setInterval(() => void refreshList().catch(() => undefined), REFRESH_LIST_MS))
  .catch((err: Error) => byId('run-list').replaceChildren(el('li', { class: 'error' }, err.message)));
void showCompare().catch(() => undefined);
