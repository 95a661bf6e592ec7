import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// What `npm install cdk-debezium-guard` brings: the construct, its types, the bundled function and
// the one-click template, and nothing that only serves this repository (tools/: emulator,
// simulation, one-click generator, bench) or only runs inside the bundle (the handler's modules).
//
// `npm test` runs on a clean clone, before any jsii compile, so lib/ may not exist yet. The test
// therefore packs a stand-in of the built tree: every tracked file, plus empty files where the build
// writes its outputs (jsii: lib/**/*.js and .d.ts for each src/**/*.ts, .jsii; rosetta:
// .jsii.tabl.json; the bundler: the function's asset). npm itself then applies package.json and
// .npmignore, exactly as `npm pack` does on the real build.
jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const ASSET = 'assets/recovery/recovery.lambda/index.js';

/** Everything in the package besides lib/: documents, the assembly, the asset, the template and Construct Hub's fixtures. */
const NOT_LIB = [
  '.jsii',
  // jsii-rosetta's translations of the examples, next to the assembly.
  '.jsii.tabl.json',
  'API.md',
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  ASSET,
  'cloudformation/debezium-guard.template.json',
  'docs/BENCHMARKS.md',
  'examples/two-connectors/README.md',
  'examples/two-connectors/app.ts',
  'examples/two-connectors/cdk.json',
  'examples/two-connectors/stack.ts',
  'package.json',
  'rosetta/cfn-connector.ts-fixture',
  'rosetta/default.ts-fixture',
  'rosetta/standalone.ts-fixture',
];

function tracked(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

/** The files `npm pack` puts in the package built from this tree. */
function packed(): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-pack-'));
  try {
    const files = tracked();
    const built = files.filter((f) => /^src\/.*\.ts$/.test(f) && !f.endsWith('.d.ts'))
      .flatMap((f) => [f.replace(/^src\/(.*)\.ts$/, 'lib/$1.js'), f.replace(/^src\/(.*)\.ts$/, 'lib/$1.d.ts')]);
    for (const f of [...files, ...built, '.jsii', '.jsii.tabl.json', 'tsconfig.tsbuildinfo', ASSET]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      if (f === 'package.json' || f === '.npmignore') {
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
      } else {
        fs.writeFileSync(path.join(dir, f), '');
      }
    }
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
    });
    return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** src/ modules (without extension) that `lib/index.js` loads, directly or not: what a consumer's synth runs. */
function loadedByIndex(): string[] {
  const seen = new Set<string>();
  const queue = ['index'];
  while (queue.length > 0) {
    const module = queue.pop()!;
    if (seen.has(module)) {
      continue;
    }
    seen.add(module);
    const source = fs.readFileSync(path.join(ROOT, 'src', `${module}.ts`), 'utf8');
    // Type-only imports count: the shipped .d.ts files keep them.
    for (const [, spec] of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)'(\.{1,2}\/[^']*)'/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(module), spec));
      const file = [`${target}.ts`, `${target}/index.ts`].find((f) => fs.existsSync(path.join(ROOT, 'src', f)));
      if (file === undefined) {
        throw new Error(`src/${module}.ts imports ${spec}, which is no module of src/`);
      }
      queue.push(file.replace(/\.ts$/, ''));
    }
  }
  return [...seen].sort();
}

describe('the npm package', () => {
  const files = packed();

  test('holds exactly the construct (what lib/index.js loads, with its types) and the documents, assembly, asset and template', () => {
    const lib = loadedByIndex().flatMap((m) => [`lib/${m}.d.ts`, `lib/${m}.js`]);
    expect(files).toEqual([...NOT_LIB, ...lib].sort());
  });

  test('the construct is in it, with the two recovery modules it imports; the handler modules are not', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', ASSET,
      'lib/recovery/constants.js', 'lib/recovery/constants.d.ts', 'lib/recovery/permissions.js', 'lib/recovery/permissions.d.ts']));
    expect(files.filter((f) => f.startsWith('lib/recovery/')).sort()).toEqual([
      'lib/recovery/constants.d.ts', 'lib/recovery/constants.js', 'lib/recovery/permissions.d.ts', 'lib/recovery/permissions.js',
    ]);
  });

  test('no emulator, simulation, one-click generator, bench or handler source', () => {
    expect(files.filter((f) => /(^|\/)(tools|emulator|simulate|one-click|bench)\//.test(f) || /\.lambda(-shared)?\./.test(f) || /(^|\/)src\//.test(f)))
      .toEqual([]);
  });
});
