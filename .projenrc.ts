import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-debezium-guard',
  description:
    'AWS CDK construct that detects silent failures of Debezium source connectors on Amazon MSK Connect and recovers them safely.',
  author: 'cdk-debezium-guard team',
  authorAddress: 'team@example.com',
  repositoryUrl: 'https://github.com/example/cdk-debezium-guard.git',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'debezium', 'msk', 'msk-connect', 'kafka-connect', 'cdc', 'cloudwatch', 'monitoring', 'auto-recovery'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // The machines and the tests run Node 20; the AWS SDK asks for 22+ from 2027 (README says so).
  minNodeVersion: '20.0.0',
  workflowNodeVersion: 'lts/*',

  // Toolchain pins: TypeScript 7 breaks jsii and ts-node; esbuild is pinned so the bundled handler
  // (and therefore the asset hash consumers see) only changes when we change it.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  devDeps: [
    '@types/node@^20',
    // The version the Go module aws-cdk-go/awscdk/v2 of cdkVersion requires (its go.mod): pacmak writes
    // the npm tree's version into the Go package's go.mod, and the Go proxy refuses the newer 53.28.0
    // npm would pick. Move it with cdkVersion (package:go fails in .ci/run when they disagree).
    '@aws-cdk/cloud-assembly-schema@53.25.0',
    '@types/aws-lambda',
    'esbuild@0.28.2',
    'cdk-nag@^2.37',
    // cdk-nag 3 reads acknowledgements from aws-cdk-lib's Validations metadata; consumers run either major.
    'cdk-nag-v3@npm:cdk-nag@^3.0.2',
    // The one-click test renders the template as `aws cloudformation package` writes it (YAML) to check its size.
    'yaml@^2',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    '@aws-sdk/client-kafkaconnect',
    '@aws-sdk/client-s3',
    '@aws-sdk/client-sns',
    '@aws-sdk/client-cloudwatch',
    '@aws-sdk/client-dynamodb',
    // The drill reads the EventBridge rules that target the function.
    '@aws-sdk/client-eventbridge',
    '@aws-lambda-powertools/logger',
    '@aws-lambda-powertools/metrics',
    '@smithy/util-retry',
  ],

  // The recovery function is bundled below with our own options; projen's generated Function
  // subclass would hard-code the runtime, which the guard lets consumers override.
  lambdaAutoDiscover: false,
  bundlerOptions: { esbuildVersion: '0.28.2' },

  // The issue asks for the development tsconfig at the top level; projen's default is test/tsconfig.json.
  tsconfigDevFile: 'tsconfig.dev.json',
  // With a top-level tsconfig.dev.json, typescript-eslint's project service would pick the jsii
  // tsconfig.json (src only) for test files, so lint uses the dev tsconfig explicitly instead.
  // tools/ holds what serves the repository and not the package (emulator, simulation, one-click
  // generator, bench): linted like the tests, never compiled by jsii, never packed.
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'build-tools', 'tools'], projectService: false, tsconfigPath: './tsconfig.dev.json' },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      // Loopback servers and real SDK clients: on a busy 2-core CI machine a test can take a few
      // seconds. A test that outlives jest's 5 s default keeps running into the next one's emulator.
      testTimeout: 30_000,
      // A direct `npx jest` must not test a stale bundle of the recovery function.
      globalSetup: '<rootDir>/test/global-setup.js',
      // The example app imports the package by name, as a consumer does.
      moduleNameMapper: { '^cdk-debezium-guard$': '<rootDir>/src' },
    },
  },

  publishToPypi: {
    distName: 'cdk-debezium-guard',
    module: 'cdk_debezium_guard',
  },
  publishToMaven: {
    javaPackage: 'io.github.example.cdkdebeziumguard',
    mavenGroupId: 'io.github.example',
    mavenArtifactId: 'cdk-debezium-guard',
  },
  publishToNuget: {
    dotNetNamespace: 'Example.CdkDebeziumGuard',
    packageId: 'Example.CdkDebeziumGuard',
  },
  publishToGo: {
    moduleName: 'github.com/example/cdk-debezium-guard-go',
  },

  gitignore: ['/.bench/', '/.jsii.tabl.json'],
});

// The handler's sources are compiled into lib/ by jsii, but only their bundle (assets/) ever runs:
// of lib/recovery/ the package keeps only the names both sides share (a test holds the list).
// rosetta/ stays in the package: Construct Hub reads its fixtures to translate the README.
['/.ci/', '/tools/', '/lib/**/*.lambda.*', '/lib/**/*.lambda-shared.*',
  '/lib/recovery/*', '!/lib/recovery/constants.*'].forEach((p) => project.addPackageIgnore(p));

project.eslint?.allowDevDeps('src/**/*.lambda-shared.ts');
project.eslint?.allowDevDeps('src/**/*.lambda.ts');

// Bundled when this library builds and shipped in the package (assets/), never at the consumer's
// synth. The SDK clients are bundled too: the Lambda runtime's built-in SDK may predate
// RestartConnector. Target node20 so that the same file runs in the tests on this repo's Node 20
// and in Lambda's nodejs24.x.
project.bundler.addBundle('src/recovery/recovery.lambda.ts', {
  platform: 'node',
  target: 'node20',
  externals: [],
  sourcemap: false,
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
  // Lazy `import('node:http')` in the SDK becomes a require: the bundle then also runs inside test
  // sandboxes (jest's vm) that have no dynamic-import callback.
  esbuildArgs: { '--supported:dynamic-import': 'false' },
});
// ts-node and the type-check of tests, examples and benchmarks use the development tsconfig.
const devTsconfig = project.tsconfigDev.fileName;

// The README's first command: the local simulation on the embedded emulator, running the bundled handler.
// NODE_NO_WARNINGS: the SDK's Node 20 support warning would land in the middle of the printed timeline.
const simulate = project.addTask('simulate', {
  description: 'Simulate silent failures, detection and recovery on a compressed clock (see README)',
  receiveArgs: true,
  env: { NODE_NO_WARNINGS: '1' },
});
simulate.spawn(project.bundler.bundleTask);
simulate.exec(`ts-node --project ${devTsconfig} tools/simulate/cli.ts`, { receiveArgs: true });

// The README and API examples must compile (and so render in Python, Java, C# and Go on Construct Hub).
project.postCompileTask.exec('jsii-rosetta extract --compile --fail');
// jsii never cleans lib/: a file moved out of src/ (the emulator, the simulation) would stay there and be packed again.
project.compileTask.prependExec('node -e "require(\'fs\').rmSync(\'lib\', { recursive: true, force: true })"');

// The one-click CloudFormation template, generated from the library (a test checks it is current).
project.addTask('one-click', {
  description: 'Regenerate cloudformation/debezium-guard.template.json',
  exec: `ts-node --project ${devTsconfig} tools/one-click/generate.ts`,
});

// Figures for docs/BENCHMARKS.md (never a timed unit test).
const bench = project.addTask('bench', {
  description: 'Measure asset size, cold init, synthesis, recovery times and cost (docs/BENCHMARKS.md)',
  env: { NODE_NO_WARNINGS: '1' },
});
bench.spawn(project.bundler.bundleTask);
bench.exec(`ts-node --project ${devTsconfig} tools/bench/run.ts`);

// Real worker logs and metrics for the replay tests (test/traces/): Kafka Connect, Debezium and
// PostgreSQL on loopback, about 20 minutes a run; never part of `npm test` or CI (tools/record-traces/README.md).
project.addTask('record-traces', {
  description: 'Record real Kafka Connect / Debezium worker logs and metrics into test/fixtures/traces (needs Java, Maven, PostgreSQL; ~20 min)',
  receiveArgs: true,
  env: { NODE_NO_WARNINGS: '1' },
  exec: `timeout --signal=INT --kill-after=60 50m ts-node --project ${devTsconfig} tools/record-traces/record.ts`,
});

// jest (ts-jest, isolated modules) does not type-check: the test task does, examples included,
// which import the package by name as a consumer would.
project.tsconfigDev.addInclude('.projenrc.ts');
// jsii's output (lib/**/*.d.ts) would otherwise be type-checked again, stale or not.
project.tsconfigDev.addExclude('lib');
project.tsconfigDev.file.addOverride('compilerOptions.paths', { 'cdk-debezium-guard': ['./src'] });
project.testTask.exec(`tsc --noEmit -p ${devTsconfig}`);

// `npm test` on a fresh clone needs the bundle (the construct references it, the end-to-end tests run it).
project.testTask.prependSpawn(project.bundler.bundleTask);

project.synth();
