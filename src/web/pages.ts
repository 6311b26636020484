// The two pages: one layout (head, header with navigation) around each page's own body, src/web/static/<name>.body.html.
// Rendered once at start-up.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const STATIC_DIR = fileURLToPath(new URL('../../../src/web/static/', import.meta.url)); // from dist/src/web/

interface Page {
  path: string;
  name: string;
  title: string;
  /** classic scripts the page module needs loaded first */
  scripts: string[];
  /** the page's script, a compiled module under dist/src/ (served from /lib/) */
  module: string;
}

export const PAGES: readonly Page[] = [
  {
    path: '/',
    name: 'classify',
    title: 'Classify',
    // the ES2017 builds: the ES5 ones carry polyfills that evaluate strings, which the page's CSP forbids
    scripts: ['/vendor/tf.es2017.min.js', '/vendor/tf-backend-wasm.es2017.min.js'],
    module: 'web/client/classify_page.js',
  },
  { path: '/runs', name: 'runs', title: 'Runs', scripts: [], module: 'web/client/runs_page.js' },
];

function render(page: Page): string {
  const nav = PAGES.map((p) => `<a href="${p.path}"${p === page ? ' aria-current="page"' : ''}>${p.title}</a>`).join(
    '',
  );
  const scripts = page.scripts.map((src) => `  <script src="${src}"></script>\n`).join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>NiN · ${page.title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/style.css">
${scripts}  <script type="module" src="/lib/${page.module}"></script>
</head>
<body>
  <header>
    <h1>NiN <span>Network in Network on Fashion-MNIST</span></h1>
    <nav>${nav}</nav>
  </header>
${readFileSync(`${STATIC_DIR}${page.name}.body.html`, 'utf8')}</body>
</html>
`;
}

/** URL path → the page's HTML. */
export function renderPages(): Map<string, string> {
  return new Map(PAGES.map((page) => [page.path, render(page)]));
}
