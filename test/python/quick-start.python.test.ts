import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';
import { ACCOUNT, newStack, ORDERS_ARN, quickStartProps, REGION } from '../construct/fixtures';

// A Python consumer of the package: quick_start.py (and the README's Python app, readme_app.py), run
// on the wheel jsii-pacmak built, in a virtual environment with aws-cdk-lib and constructs from PyPI,
// synthesizes the same stacks as the TypeScript below, and the templates must be the same bytes (the
// asset's hash included: the asset is the function bundled with the library, shipped inside the
// wheel's npm tarball).
//
// `npm test` runs offline on a clean clone, with no wheel: there the test is skipped. .ci/python
// (called by .ci/run) builds the wheel, makes the environment and runs this file with
// CDK_DEBEZIUM_GUARD_PYTHON naming that environment's python.
const PYTHON = process.env.CDK_DEBEZIUM_GUARD_PYTHON;

const describeWithPython = PYTHON ? describe : describe.skip;

/** The template file an app wrote for a stack, as text. */
function written(outdir: string, stackName: string): string {
  return fs.readFileSync(path.join(outdir, `${stackName}.template.json`), 'utf8');
}

/** The construct tests' quick start (as determinism.test.ts synthesizes it), written to `outdir`. */
function typeScriptQuickStart(outdir: string): void {
  const app = new App({ outdir });
  const stack = newStack({ account: ACCOUNT, region: REGION }, app);
  new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
  app.synth();
}

/** The README's quick start as a whole app (its TypeScript block; readme_app.py is its Python one), written to `outdir`. */
function typeScriptReadmeApp(outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, 'OrdersCdcGuardStack', { env: { account: ACCOUNT, region: REGION } });
  new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', {
    connectorArn: ORDERS_ARN,
    configBucket: s3.Bucket.fromBucketName(stack, 'ConnectorConfigs', 'acme-msk-connect-configs'),
    configKey: 'debezium/orders-cdc.json',
    workerLogGroup: logs.LogGroup.fromLogGroupName(stack, 'WorkerLogs', '/msk-connect/orders-cdc'),
    serviceExecutionRole: iam.Role.fromRoleArn(stack, 'ConnectorRole', `arn:aws:iam::${ACCOUNT}:role/msk-connect-debezium`, {
      mutable: false,
    }),
    alertEmails: ['oncall@example.com'],
    recoveryStrategy: RecoveryStrategy.NOTIFY_ONLY,
  });
  app.synth();
}

describeWithPython(`a Python CDK app on the built wheel${PYTHON ? '' : ' (skipped: CDK_DEBEZIUM_GUARD_PYTHON is unset; .ci/python runs it)'}`, () => {
  let out: string;
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-python-'));
    // One run of Python writes both apps: the README's into CDK_OUTDIR, as `cdk synth` would have it.
    execFileSync(PYTHON!, [path.join(__dirname, 'quick_start.py'), path.join(out, 'python', 'test-stack')], {
      env: { ...process.env, CDK_OUTDIR: path.join(out, 'python', 'readme-app') },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    typeScriptQuickStart(path.join(out, 'typescript', 'test-stack'));
    typeScriptReadmeApp(path.join(out, 'typescript', 'readme-app'));
  }, 320_000);

  test.each([
    { app: 'test-stack', stackName: 'TestStack', what: 'the construct tests\' quick start' },
    { app: 'readme-app', stackName: 'OrdersCdcGuardStack', what: 'the README\'s quick-start app' },
  ])('$what: the same template, byte for byte, as in TypeScript', ({ app, stackName }) => {
    const python = written(path.join(out, 'python', app), stackName);
    const typescript = written(path.join(out, 'typescript', app), stackName);
    // Parsed first, for a readable difference; then the bytes.
    expect(JSON.parse(python)).toEqual(JSON.parse(typescript));
    expect(python).toEqual(typescript);
    // And the function's code is the one asset, under the same content hash.
    const assets = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('asset.'));
    expect(assets(path.join(out, 'python', app))).toEqual(assets(path.join(out, 'typescript', app)));
    expect(assets(path.join(out, 'python', app))).toHaveLength(1);
  });
});
