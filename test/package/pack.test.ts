// The library as a user gets it: `npm pack`, then `npm install` of the tarball into a fresh project (which builds
// the oneDNN addon with npm's own node-gyp: no devDependencies there), then `import ... from 'nin-d2l'` checked by
// tsc, and a few training steps from plain ESM with `import 'nin-d2l/onednn'` making onednn TF.js's default.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // from dist/test/package/
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('the npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-package-'));
  const consumer = join(work, 'consumer');
  let files: string[];
  let tarball: string;

  before(() => {
    // dist/ is built by `npm test` itself: pack without running `prepare` (tsc) again
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, packed!.filename);
    files = packed!.files.map((f) => f.path);
    execFileSync('mkdir', ['-p', consumer]);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships what runs: the compiled library, its types, the CLI, the server pages, the addon sources; no tests or benchmarks', () => {
    for (const path of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/onednn.js',
      'dist/src/cli/nin.js',
      'src/web/static/style.css',
      'src/web/static/classify.body.html',
      'native/conv2d.cc',
      'binding.gyp',
      'scripts/build-addon.mjs',
    ]) {
      assert.ok(files.includes(path), `${path} is in the package`);
    }
    const runs = (p: string) =>
      /^dist\/src\/.*\.(js|d\.ts)$|^native\/[a-z0-9_]+\.(cc|h)$|^src\/web\/static\/[a-z.]+\.(html|css)$/.test(p) ||
      ['package.json', 'README.md', 'LICENSE', 'binding.gyp', 'scripts/build-addon.mjs'].includes(p);
    assert.deepEqual(
      files.filter((p) => !runs(p)),
      [],
      'nothing else: no tests, benchmarks, scripts, pictures or source maps',
    );
  });

  it("installs from the tarball into a fresh project, building the oneDNN addon with npm's node-gyp", () => {
    const r = spawnSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: consumer,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      existsSync(join(consumer, 'node_modules', 'nin-d2l', 'build', 'Release', 'onednn.node')),
      `the addon was built: ${r.stdout}${r.stderr}`,
    );
  });

  it('imports by name from TypeScript, with its types (tsc accepts a right use and rejects a wrong one)', () => {
    writeFileSync(
      join(consumer, 'good.ts'),
      [
        "import { NiN, FashionMNIST, Trainer, MODELS, recipePreset, useBackend, tf, type Recipe } from 'nin-d2l';",
        "const recipe: Recipe = recipePreset('robust', MODELS.nin);",
        'const net = new NiN({ resize: 67, init: recipe.init, lastBias: recipe.lastBias });',
        'const parameters: number = net.countParams();',
        'const data = new FashionMNIST({ batchSize: 32, resize: 67, seed: 0 });',
        "export const run = async () => { await useBackend('onednn'); return new Trainer({ maxEpochs: 1, recipe }).fit(net, data); };",
        'export const x: tf.Tensor = tf.zeros([1, 67, 67, 1]);',
        'export { parameters };',
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'bad.ts'),
      "import { NiN } from 'nin-d2l';\nexport const parameters: string = new NiN({ resize: 67 }).countParams();\n",
    );
    const tsc = (file: string) =>
      spawnSync(
        process.execPath,
        [
          TSC,
          '--noEmit',
          '--strict',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--target',
          'es2022',
          '--skipLibCheck',
          '--types',
          'node',
          '--typeRoots',
          join(ROOT, 'node_modules', '@types'),
          file,
        ],
        { cwd: consumer, encoding: 'utf8' },
      );
    const good = tsc('good.ts');
    assert.equal(good.status, 0, good.stdout);
    const bad = tsc('bad.ts');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout, /bad\.ts\(2,14\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it("trains a few steps from plain ESM, on onednn as TF.js's default after import 'nin-d2l/onednn'", () => {
    writeFileSync(
      join(consumer, 'train.mjs'),
      `
import 'nin-d2l/onednn';
import { tf, NiN, FashionMNIST, Trainer, recipePreset, modelSettings, MODELS } from 'nin-d2l';
await tf.ready();
const recipe = recipePreset('robust', MODELS.nin);
const data = new FashionMNIST({ batchSize: 32, resize: 67, seed: 0, limitTrain: 96, limitTest: 64 });
await data.prepare();
const model = new NiN({ resize: 67, seed: 0, ...modelSettings(recipe) });
const epochs = await new Trainer({ maxEpochs: 1, recipe, progress: false, log: () => {} }).fit(model, data);
data.close();
console.log(JSON.stringify({ backend: tf.getBackend(), parameters: model.countParams(), epochs }));
`,
    );
    const r = spawnSync(process.execPath, ['train.mjs'], { cwd: consumer, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      backend: string;
      parameters: number;
      epochs: { trainLoss: number; valAcc: number }[];
    };
    assert.equal(out.backend, 'onednn');
    assert.equal(out.parameters, 1_992_166);
    assert.equal(out.epochs.length, 1);
    assert.ok(Number.isFinite(out.epochs[0]!.trainLoss) && out.epochs[0]!.valAcc >= 0, JSON.stringify(out.epochs));
  });

  it('runs the examples/ folder by the package name, and the README shows them as they are', () => {
    const examples = readdirSync(join(ROOT, 'examples'))
      .filter((f) => f.endsWith('.mjs'))
      .sort();
    assert.deepEqual(examples, ['export_onnx.mjs', 'own_model.mjs', 'train_nin.mjs']);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const file of examples) {
      const source = readFileSync(join(ROOT, 'examples', file), 'utf8');
      assert.ok(
        readme.includes(`<!-- examples/${file} -->\n\`\`\`js\n${source}\`\`\`\n`),
        `the README shows examples/${file} as it is`,
      );
      copyFileSync(join(ROOT, 'examples', file), join(consumer, file));
    }
    const run = (file: string) => {
      const r = spawnSync(process.execPath, [file, '--quick'], { cwd: consumer, encoding: 'utf8' });
      assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      return r.stdout;
    };
    assert.match(run('train_nin.mjs'), /^onednn \{\s+epoch: 1,/m);
    assert.ok(existsSync(join(consumer, 'my-nin', 'model.json')));
    assert.match(run('export_onnx.mjs'), /^my-nin\.onnx: \d+ bytes, classes t-shirt, trouser, .*ankle boot\n$/);
    assert.equal(run('own_model.mjs').trim().split('\n').at(-1), 'onednn 27210');
  });
});
