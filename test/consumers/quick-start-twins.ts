import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';
import { ACCOUNT, newStack, ORDERS_ARN, quickStartProps, REGION } from '../construct/fixtures';

// A consumer of the package in another language (test/python, test/java) synthesizes the twins of
// the two TypeScript apps below on the package jsii-pacmak built, and the templates must be the same
// bytes (the asset's hash included: the asset is the function bundled with the library, shipped
// inside the package's npm tarball).
//
// `npm test` runs offline on a clean clone, with no built package: there these tests are skipped.
// .ci/python and .ci/java (called by .ci/run) build what they need and run them with an environment
// variable that says how to run the consumer.

/** The construct tests' quick start (as determinism.test.ts synthesizes it), written to `outdir`. */
function typeScriptQuickStart(outdir: string): void {
  const app = new App({ outdir });
  const stack = newStack({ account: ACCOUNT, region: REGION }, app);
  new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
  app.synth();
}

/** The README's quick start as a whole app (its TypeScript block), written to `outdir`. */
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

/** Where each app writes, below one output directory: `<language>/<app>`. */
export interface ConsumerOutput {
  /** The construct tests' quick start (stack TestStack). */
  readonly testStack: string;
  /** The README's quick-start app (stack OrdersCdcGuardStack). */
  readonly readmeApp: string;
}

/**
 * The consumer test of one language: skipped unless `variable` is set (to what `synthesize` needs to
 * run the consumer); `synthesize` writes both apps where it is told.
 */
export function describeConsumer(
  language: string, variable: string, ciScript: string, synthesize: (setting: string, out: ConsumerOutput) => void,
): void {
  const setting = process.env[variable];
  const title = `a ${language} CDK app on the package built for ${language}${setting ? '' : ` (skipped: ${variable} is unset; ${ciScript} runs it)`}`;
  (setting ? describe : describe.skip)(title, () => {
    let out: string;
    const at = (side: string): ConsumerOutput => ({ testStack: path.join(out, side, 'test-stack'), readmeApp: path.join(out, side, 'readme-app') });
    afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

    beforeAll(() => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), `guard-${language.toLowerCase()}-`));
      synthesize(setting!, at('consumer'));
      typeScriptQuickStart(at('typescript').testStack);
      typeScriptReadmeApp(at('typescript').readmeApp);
    }, 320_000);

    test.each([
      { app: 'testStack' as const, stackName: 'TestStack', what: 'the construct tests\' quick start' },
      { app: 'readmeApp' as const, stackName: 'OrdersCdcGuardStack', what: 'the README\'s quick-start app' },
    ])('$what: the same template, byte for byte, as in TypeScript', ({ app, stackName }) => {
      const consumerDir = at('consumer')[app];
      const typescriptDir = at('typescript')[app];
      const written = (dir: string) => fs.readFileSync(path.join(dir, `${stackName}.template.json`), 'utf8');
      // Parsed first, for a readable difference; then the bytes.
      expect(JSON.parse(written(consumerDir))).toEqual(JSON.parse(written(typescriptDir)));
      expect(written(consumerDir)).toEqual(written(typescriptDir));
      // And the function's code is the one asset, under the same content hash.
      const assets = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('asset.'));
      expect(assets(consumerDir)).toEqual(assets(typescriptDir));
      expect(assets(consumerDir)).toHaveLength(1);
    });
  });
}
