import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import { DebeziumSilentFailureGuard } from '../../src';
import { ACCOUNT, newStack, quickStartProps, REGION } from '../construct/fixtures';

// What `npm install cdk-debezium-guard` brings: the construct, its types, the bundled function and
// the one-click template, and nothing that only serves this repository (tools/: emulator,
// simulation, one-click generator, bench) or only runs inside the bundle (the handler's modules).
//
// `npm test` runs on a clean clone, before any jsii compile, so lib/ may not exist yet. The test
// therefore packs a stand-in of the built tree: every tracked file, plus empty files where the build
// writes its outputs (jsii: lib/**/*.js and .d.ts for each src/**/*.ts, .jsii; rosetta:
// .jsii.tabl.json; the bundler: the function's asset). npm itself then applies package.json and
// .npmignore, exactly as `npm pack` does on the real build. The stand-in's lib/**/*.js are the
// sources transpiled, so that what npm packs can also be loaded on its own.
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
  'examples/two-connectors/package.json',
  'examples/two-connectors/stack.ts',
  'examples/two-connectors/tsconfig.json',
  'package.json',
  'rosetta/app.ts-fixture',
  'rosetta/cfn-connector.ts-fixture',
  'rosetta/default.ts-fixture',
  'rosetta/standalone.ts-fixture',
];

function tracked(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

/** A stand-in of the built tree in `dir`; returns the files `npm pack` puts in its package. */
function packed(dir: string): string[] {
  const files = tracked();
  const built = files.filter((f) => /^src\/.*\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .flatMap((f) => [f.replace(/^src\/(.*)\.ts$/, 'lib/$1.js'), f.replace(/^src\/(.*)\.ts$/, 'lib/$1.d.ts')]);
  for (const f of [...files, ...built, '.jsii', '.jsii.tabl.json', 'tsconfig.tsbuildinfo', ASSET]) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    if (f === 'package.json' || f === '.npmignore') {
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    } else if (/^lib\/.*\.js$/.test(f)) {
      const source = fs.readFileSync(path.join(ROOT, f.replace(/^lib\/(.*)\.js$/, 'src/$1.ts')), 'utf8');
      fs.writeFileSync(path.join(dir, f), ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText);
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
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-pack-'));
  const files = packed(path.join(work, 'tree'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('holds exactly the construct (what lib/index.js loads, with its types) and the documents, assembly, asset and template', () => {
    const lib = loadedByIndex().flatMap((m) => [`lib/${m}.d.ts`, `lib/${m}.js`]);
    expect(files).toEqual([...NOT_LIB, ...lib].sort());
  });

  test('the construct is in it, with its recovery function and the names it shares with the handler; the handler modules are not', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', ASSET,
      'lib/recovery-function/recovery-function.js', 'lib/recovery-function/permissions.js']));
    expect(files.filter((f) => f.startsWith('lib/recovery/')).sort()).toEqual(['lib/recovery/constants.d.ts', 'lib/recovery/constants.js']);
  });

  test('no emulator, simulation, one-click generator, bench or handler source', () => {
    expect(files.filter((f) => /(^|\/)(tools|emulator|simulate|one-click|bench)\//.test(f) || /\.lambda(-shared)?\./.test(f) || /(^|\/)src\//.test(f)))
      .toEqual([]);
  });

  test('what it holds loads on its own, and synthesizes the quick start with the same logical IDs', () => {
    // GIVEN only the packed files, installed as a consumer's node_modules/cdk-debezium-guard next to the peer dependencies
    const app = path.join(work, 'app');
    const installed = path.join(app, 'node_modules', 'cdk-debezium-guard');
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(installed, f)), { recursive: true });
      fs.copyFileSync(path.join(work, 'tree', f), path.join(installed, f));
    }
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(app, 'node_modules', peer), 'dir');
    }
    const stack = newStack();
    const props = quickStartProps(stack);
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', props);
    const expected = Object.keys(Template.fromStack(stack).toJSON().Resources).sort();
    // WHEN a fresh node process synthesizes the quick start from it
    const script = `
      const { App, Stack } = require('aws-cdk-lib');
      const iam = require('aws-cdk-lib/aws-iam'), logs = require('aws-cdk-lib/aws-logs'), s3 = require('aws-cdk-lib/aws-s3');
      const { DebeziumSilentFailureGuard } = require('cdk-debezium-guard');
      const app = new App({ outdir: ${JSON.stringify(path.join(work, 'cdk.out'))} });
      const stack = new Stack(app, 'TestStack', { env: { account: '${ACCOUNT}', region: '${REGION}' } });
      new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', {
        connectorArn: ${JSON.stringify(props.connectorArn)},
        configBucket: s3.Bucket.fromBucketName(stack, 'ConfigBucket', ${JSON.stringify(props.configBucket.bucketName)}),
        configKey: ${JSON.stringify(props.configKey)},
        workerLogGroup: logs.LogGroup.fromLogGroupName(stack, 'WorkerLogs', ${JSON.stringify(props.workerLogGroup.logGroupName)}),
        serviceExecutionRole: iam.Role.fromRoleArn(stack, 'ConnectorRole', ${JSON.stringify(props.serviceExecutionRole.roleArn)}),
        alertEmails: ${JSON.stringify(props.alertEmails)},
      });
      const template = app.synth().getStackByName('TestStack').template;
      process.stdout.write(JSON.stringify(Object.keys(template.Resources).sort()));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' }, timeout: 50_000 });
    // THEN the same resources, under the same logical IDs, as the construct from src/
    expect(JSON.parse(out)).toEqual(expected);
  });
});
