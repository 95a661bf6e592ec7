import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ACCOUNT, quickStartProps, REGION } from './fixtures';
import { DebeziumGuardWarnings, DebeziumSilentFailureGuard, KafkaConnectVersion, RecoveryStrategy } from '../../src';

/** Synthesizes the quick start (plus every optional feature when `full`) in an app with the given context. */
function synth(context: Record<string, unknown> = {}, full = false): Record<string, any> {
  const app = new App({ context, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'guard-')) });
  const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: REGION } });
  const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, full ? {
    connectedMetric: new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'Connected', statistic: 'Minimum' }),
    lagMetric: new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'MilliSecondsBehindSource', statistic: 'Maximum' }),
    preventiveRestartSchedule: events.Schedule.cron({ hour: '2', minute: '0' }),
    createDashboard: true,
  } : {}));
  // The scenario keeps the schedule's rule disabled on purpose: acknowledged, as a consumer would.
  Annotations.of(guard).acknowledgeWarning(DebeziumGuardWarnings.PREVENTIVE_RESTART_DISABLED, 'the rule stays disabled in this scenario');
  return Template.fromStack(stack).toJSON();
}

describe('deterministic synthesis', () => {
  test('the same props give a byte-identical template across apps and output directories', () => {
    expect(JSON.stringify(synth({}, true))).toEqual(JSON.stringify(synth({}, true)));
  });

  test('the written template and asset are byte-identical across output directories and days', () => {
    // GIVEN two apps writing to different directories, the second on another day
    const written = (day: string) => {
      jest.useFakeTimers({ now: new Date(day), doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
      try {
        const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), `guard-${day}-`)) });
        const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: REGION } });
        new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
        const outdir = app.synth().directory;
        const assets = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'));
        return {
          template: fs.readFileSync(path.join(outdir, 'TestStack.template.json')),
          assets: assets.map((a) => [a, fs.readFileSync(path.join(outdir, a, 'index.js')).toString('base64').length]),
        };
      } finally {
        jest.useRealTimers();
      }
    };
    // WHEN
    const first = written('2026-12-01');
    const second = written('2031-06-15');
    // THEN
    expect(first.assets).toHaveLength(1);
    expect(second.template.equals(first.template)).toBe(true);
    expect(second.assets).toEqual(first.assets);
  });

  test('no output depends on the feature flags a consumer may set', () => {
    // GIVEN every currently recommended flag (what `cdk init` writes), against none at all
    const withFlags = synth({ ...cxapi.CURRENTLY_RECOMMENDED_FLAGS }, true);
    const withoutFlags = synth({}, true);
    // THEN only CDK's own bookkeeping may differ, never a guard resource
    expect(withFlags.Resources).toEqual(withoutFlags.Resources);
  });

  test('the function code is the asset bundled with the library, not bundled at synth', () => {
    const template = synth();
    const [fn] = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::Lambda::Function') as any[];
    expect(fn.Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'assets', 'recovery', 'recovery.lambda', 'index.js'))).toBe(true);
  });

  test('logical IDs are API: renaming one replaces a resource in every consumer stack', () => {
    expect(Object.keys(synth({}, true).Resources).sort()).toEqual([
      'OrdersCdcGuardAlarmRule9BCA1DFE',
      'OrdersCdcGuardAlarmRuleAllowEventRuleTestStackOrdersCdcGuardRecoveryFunction36EF029C9EE1B413',
      'OrdersCdcGuardCompositeAlarmC1BE7B78',
      'OrdersCdcGuardConnectedAlarm2DC97B5C',
      'OrdersCdcGuardDashboard9E1EAC01',
      'OrdersCdcGuardLagAlarmFC42F80F',
      'OrdersCdcGuardLogDeliveryAlarm821E7604',
      'OrdersCdcGuardNoProductionAlarm97A267F0',
      'OrdersCdcGuardOffsetCommitAlarmFCF9207C',
      'OrdersCdcGuardOffsetCommitGapAlarm7BBF21B7',
      'OrdersCdcGuardOffsetCommitMetricFilter71FD5513',
      'OrdersCdcGuardPreventiveRestartRule0FB56FF4',
      'OrdersCdcGuardPreventiveRestartRuleAllowEventRuleTestStackOrdersCdcGuardRecoveryFunction36EF029C2806FAFF',
      'OrdersCdcGuardReconcileRule4FF1876E',
      'OrdersCdcGuardReconcileRuleAllowEventRuleTestStackOrdersCdcGuardRecoveryFunction36EF029C44ECD564',
      'OrdersCdcGuardRecoveryErrorsAlarmE64C573D',
      'OrdersCdcGuardRecoveryFunction16EB33DF',
      'OrdersCdcGuardRecoveryLogGroupABA48B1C',
      'OrdersCdcGuardRecoveryRole9B70D829',
      'OrdersCdcGuardStateTableD3E19C1F',
      'OrdersCdcGuardTaskHealthCrashLoopAlarmCD61CABB',
      'OrdersCdcGuardTaskHealthErroredTasksAlarm58232927',
      'OrdersCdcGuardTaskHealthRunningTasksAlarmD0F4C8C8',
      'OrdersCdcGuardTopic4471CB0D',
      'OrdersCdcGuardTopicPolicyFA4DD51B',
      'OrdersCdcGuardTopiconcallexamplecom1FEBA7E3',
    ]);
  });
});

describe('snapshots (asset hashes masked by test/setup.ts)', () => {
  test('quick start', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('every optional feature', () => {
    expect(synth({}, true)).toMatchSnapshot();
  });

  // One snapshot per further scenario; what each one must contain is asserted property by property
  // in guard.test.ts and validation.test.ts.
  test.each([
    {
      case: 'connector ARN and name from parameters, environment-agnostic stack',
      env: {},
      props: (stack: Stack) => ({
        connectorArn: new CfnParameter(stack, 'ConnectorArn').valueAsString,
        connectorName: new CfnParameter(stack, 'ConnectorName').valueAsString,
      }),
    },
    {
      case: 'Kafka Connect 2.7.1, restart-only',
      props: () => ({ kafkaConnectVersion: KafkaConnectVersion.V2_7_1, recoveryStrategy: RecoveryStrategy.RESTART_ONLY }),
    },
    {
      case: 'notify-only on an existing topic',
      props: (stack: Stack) => ({
        recoveryStrategy: RecoveryStrategy.NOTIFY_ONLY,
        topic: sns.Topic.fromTopicArn(stack, 'Alerts', `arn:aws:sns:${REGION}:${ACCOUNT}:cdc-alerts`),
        alertEmails: [],
      }),
    },
    {
      case: 'KMS-encrypted topic and config bucket',
      props: (stack: Stack) => ({
        topicEncryptionKey: new kms.Key(stack, 'TopicKey'),
        configBucket: s3.Bucket.fromBucketAttributes(stack, 'EncryptedConfigs', { bucketName: 'connector-configs', encryptionKey: new kms.Key(stack, 'BucketKey') }),
      }),
    },
  ])('$case', ({ env, props }) => {
    const stack = new Stack(new App(), 'TestStack', { env: env ?? { account: ACCOUNT, region: REGION } });
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, props(stack)));
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
