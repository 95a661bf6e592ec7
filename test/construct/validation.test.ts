import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Annotations as CdkAnnotations, CfnParameter, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ACCOUNT, newStack, ORDERS_ARN, quickStartProps, REGION } from './fixtures';
import { DebeziumGuardWarnings, DebeziumSilentFailureGuard, DebeziumSilentFailureGuardProps, RecoveryStrategy } from '../../src';

type Env = { account?: string; region?: string };

function build(overrides: Partial<DebeziumSilentFailureGuardProps>, env: Env = { account: ACCOUNT, region: REGION }) {
  const stack = newStack(env);
  return () => new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, overrides));
}

/** The guard's construct path: with two guards in a stack, a user knows which one failed. */
const PREFIX = 'Invalid DebeziumSilentFailureGuard props at TestStack/OrdersCdcGuard:\n- ';
const PREFIX_G = PREFIX.replace('OrdersCdcGuard', 'G');

describe('rejected props name the prop, the value and the fix', () => {
  test.each([
    {
      case: 'malformed ARN',
      props: { connectorArn: 'arn:aws:kafka:ap-northeast-2:123456789012:cluster/orders/abc' },
      message: 'connectorArn must be an MSK Connect connector ARN (arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<id>), got "arn:aws:kafka:ap-northeast-2:123456789012:cluster/orders/abc"',
    },
    {
      case: 'name disagrees with the ARN',
      props: { connectorName: 'orders' },
      message: 'connectorName "orders" does not match the name in connectorArn ("orders-cdc"); omit connectorName or make them agree',
    },
    {
      case: 'invalid connector name',
      props: { connectorArn: '${Token[TOKEN.1]}', connectorName: 'orders cdc' },
      message: 'connectorName must be 1-128 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit, got "orders cdc"',
    },
    {
      case: 'empty config key',
      props: { configKey: '' },
      message: 'configKey must be a non-empty S3 object key without a leading \'/\', got ""',
    },
    ...['s3://connector-configs/debezium/orders-cdc.json', 'https://connector-configs.s3.amazonaws.com/debezium/orders-cdc.json'].map((configKey) => ({
      // IAM would grant s3:GetObject on a key of that name inside configBucket, which does not exist.
      case: `config key given as a URL (${configKey.split(':')[0]})`,
      props: { configKey },
      message: `configKey must be an S3 object key relative to configBucket, such as "path/to/request.json", not a URL, got "${configKey}"; `
        + 'give the bucket as configBucket and only the part after it as configKey',
    })),
    // Durations the guard converts to whole seconds: aws-cdk-lib's own error ("0.5 must be a whole
    // number of seconds.") named no prop. A negative Duration cannot be built (aws-cdk-lib refuses it).
    ...([
      ['offsetCommitWindow', Duration.millis(90_500), 'Duration.millis(90500)'],
      ['offsetFlushInterval', Duration.millis(100), 'Duration.millis(100)'],
      ['recoveryCooldown', Duration.millis(1_500), 'Duration.millis(1500)'],
      ['recoveryBudgetWindow', Duration.seconds(0.5), 'Duration.seconds(0.5)'],
      ['recoveryVerificationPeriod', Duration.seconds(Infinity), 'Duration.seconds(Infinity)'],
      ['operationTimeout', Duration.seconds(NaN), 'Duration.seconds(NaN)'],
    ] as const).map(([prop, value, shown]) => ({
      case: `${prop} not a whole number of seconds`,
      props: { [prop]: value },
      message: `${prop} must be a whole number of seconds, got ${shown}`,
    })),
    {
      case: 'alarm period not a whole number of seconds',
      props: { taskHealthAlarm: { period: Duration.millis(500) } },
      message: 'taskHealthAlarm.period must be a whole number of seconds, got Duration.millis(500)',
    },
    {
      case: 'offset-commit period not a whole number of seconds (the window check must not convert it)',
      props: { offsetCommitAlarm: { period: Duration.millis(59_500) } },
      message: 'offsetCommitAlarm.period must be a whole number of seconds, got Duration.millis(59500)',
    },
    {
      case: 'lag threshold not a whole number of milliseconds',
      props: { lagThreshold: Duration.millis(0.5), lagMetric: new cloudwatch.Metric({ namespace: 'Debezium', metricName: 'MilliSecondsBehindSource' }) },
      message: 'lagThreshold must be a whole number of milliseconds, got Duration.millis(0.5)',
    },
    {
      case: 'non-positive window',
      props: { offsetCommitWindow: Duration.minutes(0) },
      message: 'offsetCommitWindow must be positive, got 0 minutes',
    },
    {
      case: 'window not a multiple of the period',
      props: { offsetCommitWindow: Duration.seconds(150) },
      message: 'offsetCommitWindow must be a whole number of offsetCommitAlarm.period (60 s), got 150 s',
    },
    {
      case: 'window and evaluation periods both set',
      props: { offsetCommitWindow: Duration.minutes(5), offsetCommitAlarm: { evaluationPeriods: 5 } },
      message: 'offsetCommitWindow and offsetCommitAlarm.evaluationPeriods both set the offset-commit window; set only one',
    },
    {
      case: 'evaluation periods shorter than datapoints to alarm',
      props: { taskHealthAlarm: { evaluationPeriods: 2, datapointsToAlarm: 3 } },
      message: 'taskHealthAlarm.evaluationPeriods (2) must be at least taskHealthAlarm.datapointsToAlarm (3)',
    },
    {
      case: 'period that does not divide the default window',
      props: { offsetCommitAlarm: { period: Duration.minutes(2) } },
      message: 'offsetCommitAlarm.period (120 s) must divide the default offsetCommitWindow (300 s); set offsetCommitWindow to a multiple of the period, or choose a period that divides 300 s',
    },
    {
      case: 'datapoints to alarm above the offset window\'s default periods',
      props: { offsetCommitAlarm: { datapointsToAlarm: 10 } },
      message: 'offsetCommitAlarm.datapointsToAlarm (10) must be at most its evaluation periods (5, offsetCommitWindow / period); set offsetCommitAlarm.evaluationPeriods to at least 10 or lower datapointsToAlarm',
    },
    {
      case: 'datapoints to alarm above the periods of a given window',
      props: { offsetCommitWindow: Duration.minutes(3), offsetCommitAlarm: { datapointsToAlarm: 5 } },
      message: 'offsetCommitAlarm.datapointsToAlarm (5) must be at most its evaluation periods (3, offsetCommitWindow / period); set offsetCommitAlarm.evaluationPeriods to at least 5 or lower datapointsToAlarm',
    },
    {
      case: 'datapoints to alarm above task health\'s default periods',
      props: { taskHealthAlarm: { datapointsToAlarm: 4 } },
      message: 'taskHealthAlarm.datapointsToAlarm (4) must be at most its evaluation periods (3, the default); set taskHealthAlarm.evaluationPeriods to at least 4 or lower datapointsToAlarm',
    },
    ...(['lagThreshold', 'recoveryBudgetWindow', 'recoveryVerificationPeriod', 'operationTimeout'] as const).map((prop) => ({
      case: `non-positive ${prop}`,
      props: { [prop]: Duration.minutes(0), ...(prop === 'lagThreshold' ? { lagMetric: new cloudwatch.Metric({ namespace: 'Debezium', metricName: 'MilliSecondsBehindSource' }) } : {}) },
      message: `${prop} must be positive, got 0 minutes`,
    })),
    {
      case: 'non-positive flush interval',
      props: { offsetFlushInterval: Duration.seconds(0) },
      message: 'offsetFlushInterval must be positive, got 0 seconds',
    },
    {
      case: 'invalid alarm period',
      props: { taskHealthAlarm: { period: Duration.seconds(45) } },
      message: 'taskHealthAlarm.period must be 10 s, 30 s or a multiple of 60 s, got 45 s',
    },
    {
      case: 'fractional budget',
      props: { recoveryBudget: 1.5 },
      message: 'recoveryBudget must be a positive integer, got 1.5',
    },
    {
      case: 'zero expected tasks',
      props: { expectedRunningTasks: 0 },
      message: 'expectedRunningTasks must be a positive integer, got 0',
    },
    {
      case: 'bad e-mail',
      props: { alertEmails: ['oncall-at-example.com'] },
      message: 'alertEmails must hold e-mail addresses, got "oncall-at-example.com"',
    },
    {
      case: 'cron with five fields',
      props: { preventiveRestartSchedule: events.Schedule.expression('cron(0 2 * * *)') },
      message: 'preventiveRestartSchedule must have 6 cron fields (minutes hours day-of-month month day-of-week year), has 5, got "cron(0 2 * * *)"',
    },
    {
      case: 'cron without "?"',
      props: { preventiveRestartSchedule: events.Schedule.expression('cron(0 2 * * * *)') },
      message: 'preventiveRestartSchedule must set exactly one of day-of-month and day-of-week to "?", got "cron(0 2 * * * *)"',
    },
    {
      case: 'cron hour out of range',
      props: { preventiveRestartSchedule: events.Schedule.expression('cron(0 25 * * ? *)') },
      message: 'preventiveRestartSchedule has minutes outside 0-59 or hours outside 0-23, got "cron(0 25 * * ? *)"',
    },
    {
      case: 'enabled schedule without a schedule',
      props: { preventiveRestartEnabled: true },
      message: 'preventiveRestartEnabled is true but preventiveRestartSchedule is not set; give a schedule such as events.Schedule.cron({ hour: "2", minute: "0" })',
    },
    {
      case: 'connected tuning without metric',
      props: { connectedAlarm: { evaluationPeriods: 3 } },
      message: 'connectedAlarm is set but connectedMetric is not; pass connectedMetric or remove connectedAlarm',
    },
    {
      case: 'lag threshold without metric',
      props: { lagThreshold: Duration.minutes(1) },
      message: 'lagAlarm or lagThreshold is set but lagMetric is not; pass lagMetric or remove them',
    },
    {
      case: 'dashboard name without dashboard',
      props: { dashboardName: 'x' },
      message: 'dashboardName is set but createDashboard is not true; set createDashboard: true or drop dashboardName',
    },
  ])('$case', ({ props, message }) => {
    expect(build(props as Partial<DebeziumSilentFailureGuardProps>)).toThrow(new Error(PREFIX + message));
  });

  test('a negative Duration is refused by aws-cdk-lib where it is built, before any guard prop holds it', () => {
    // So the guard cannot see one; a Duration it cannot convert is named above instead.
    expect(() => Duration.seconds(-1)).toThrow(/Duration amounts cannot be negative/);
    expect(() => Duration.minutes(5).minus(Duration.minutes(6))).toThrow(/Duration amounts cannot be negative/);
  });

  test('with two guards in a stack, the error names the one that failed by its construct path', () => {
    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    const scope = new Construct(stack, 'Payments');
    expect(() => new DebeziumSilentFailureGuard(scope, 'Guard', quickStartProps(stack, {
      connectorArn: ORDERS_ARN.replace('orders-cdc', 'payments-cdc'), recoveryBudget: 0,
    }))).toThrow(new Error('Invalid DebeziumSilentFailureGuard props at TestStack/Payments/Guard:\n- recoveryBudget must be a positive integer, got 0'));
  });

  test('ARN from another region or account than the stack', () => {
    expect(build({}, { account: '210987654321', region: 'us-east-1' })).toThrow(new Error(
      PREFIX + 'connectorArn is in region ap-northeast-2 but the stack deploys to us-east-1; deploy the guard in the connector\'s region\n'
      + '- connectorArn is in account 123456789012 but the stack deploys to 210987654321; deploy the guard in the connector\'s account'));
  });

  test('an environment-agnostic stack accepts an ARN from any region at synth time (a deploy-time rule checks it)', () => {
    expect(build({}, {})).not.toThrow();
  });

  test('topicEncryptionKey with an existing topic', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'T', `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`);
    const key = new kms.Key(stack, 'K');
    expect(() => new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, { topic, topicEncryptionKey: key }))).toThrow(new Error(
      PREFIX_G + 'topicEncryptionKey applies only to the topic the guard creates; encrypt your own topic yourself or drop the topic prop'));
  });

  test('every problem is reported at once', () => {
    expect(build({ recoveryBudget: 0, expectedRunningTasks: -1, alertEmails: ['x'] })).toThrow(new Error(
      PREFIX + 'expectedRunningTasks must be a positive integer, got -1\n- recoveryBudget must be a positive integer, got 0\n- alertEmails must hold e-mail addresses, got "x"'));
  });
});

describe('tokens', () => {
  test.each([
    { case: 'a parameter', arn: (stack: Stack) => new CfnParameter(stack, 'ConnectorArn').valueAsString },
    { case: 'a resource attribute', arn: (stack: Stack) => new CfnResource(stack, 'Connector', { type: 'AWS::KafkaConnect::Connector' }).getAtt('ConnectorArn').toString() },
  ])('a token ARN ($case) requires connectorName', ({ arn: tokenArn }) => {
    const stack = newStack();
    const arn = tokenArn(stack);
    expect(() => new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, { connectorArn: arn }))).toThrow(new Error(
      PREFIX_G + 'connectorName is required when connectorArn is a token (a parameter or an attribute): the name cannot be read from it at synth time'));
  });

  test('a token ARN with a token name synthesizes, using the name everywhere', () => {
    // GIVEN
    const stack = newStack({});
    const arn = new CfnParameter(stack, 'ConnectorArn').valueAsString;
    const name = new CfnParameter(stack, 'ConnectorName').valueAsString;
    // WHEN
    const guard = new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, { connectorArn: arn, connectorName: name }));
    // THEN
    expect(guard.connectorName).toBe(name);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: { 'Fn::Join': ['', ['"WorkerSourceTask{id=', { Ref: 'ConnectorName' }, '-" "Committing offsets for"']] },
      MetricTransformations: [Match.objectLike({ MetricName: { Ref: 'ConnectorName' } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GUARD_CONNECTOR_NAME: { Ref: 'ConnectorName' } }) },
    });
  });

  test('token alarm counts are neither rejected nor warned about', () => {
    const stack = newStack();
    const n = new CfnParameter(stack, 'DatapointsToAlarm', { type: 'Number' }).valueAsNumber;
    new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, { offsetCommitAlarm: { datapointsToAlarm: n }, taskHealthAlarm: { evaluationPeriods: n, datapointsToAlarm: n } }));
    new DebeziumSilentFailureGuard(stack, 'H', quickStartProps(stack, {
      connectorArn: ORDERS_ARN.replace('orders-cdc', 'payments-cdc'), offsetCommitAlarm: { evaluationPeriods: n },
    }));
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('a literal ARN with a token name is accepted (the name cannot be compared at synth time)', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'ConnectorName').valueAsString;
    expect(() => new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, { connectorArn: ORDERS_ARN, connectorName: name }))).not.toThrow();
  });
});

describe('several guards', () => {
  test('two connectors in one stack do not collide', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    new DebeziumSilentFailureGuard(stack, 'PaymentsCdcGuard', quickStartProps(stack, {
      connectorArn: ORDERS_ARN.replace('orders-cdc', 'payments-cdc'), configKey: 'debezium/payments-cdc.json',
    }));
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    // Per guard: the composite alarm (the trigger) and the log-delivery warning.
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 4);
    template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricName: 'payments-cdc' })] });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricName: 'orders-cdc' })] });
    const names = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')).map((r: any) => r.Properties.AlarmName);
    expect(new Set(names).size).toBe(4);
  });

  test('a second guard for the same connector name in one stack is an error', () => {
    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    expect(() => new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard2', quickStartProps(stack))).toThrow(new Error(
      'connectorName "orders-cdc" is already guarded by TestStack/OrdersCdcGuard; a connector takes exactly one DebeziumSilentFailureGuard'));
  });

  test('the same connector name in two stacks of two accounts is allowed (e.g. staging and production)', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: REGION } });
    const b = new Stack(app, 'B', { env: { account: '210987654321', region: REGION } });
    new DebeziumSilentFailureGuard(a, 'G', quickStartProps(a));
    expect(() => new DebeziumSilentFailureGuard(b, 'G', quickStartProps(b, { connectorArn: ORDERS_ARN.replace(ACCOUNT, '210987654321') }))).not.toThrow();
  });

  test('the same connector in two stacks of one app is an error', () => {
    // GIVEN
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: REGION } });
    const b = new Stack(app, 'B', { env: { account: ACCOUNT, region: REGION } });
    new DebeziumSilentFailureGuard(a, 'G', quickStartProps(a));
    // WHEN / THEN
    expect(() => new DebeziumSilentFailureGuard(b, 'G', quickStartProps(b))).toThrow(new Error(
      'connectorName "orders-cdc" is already guarded by A/G, in another stack of this app in the same account and region (123456789012, ap-northeast-2); '
      + 'a connector takes exactly one DebeziumSilentFailureGuard: keep one of the two guards'));
  });

  test('a literal ARN places the connector even in stacks without env', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B', { env: { account: ACCOUNT, region: REGION } });
    new DebeziumSilentFailureGuard(a, 'G', quickStartProps(a));
    expect(() => new DebeziumSilentFailureGuard(b, 'G', quickStartProps(b))).toThrow(
      /^connectorName "orders-cdc" is already guarded by A\/G, in another stack of this app in the same account and region \(123456789012, ap-northeast-2\)/);
  });

  test.each([
    { case: 'both stacks without env', envA: {}, envB: {} },
    { case: 'one stack without env', envA: {}, envB: { account: ACCOUNT, region: REGION } },
    { case: 'one stack without region', envA: { account: ACCOUNT }, envB: { account: ACCOUNT, region: 'eu-west-1' } },
  ])('a token ARN with the same name in stacks that may share an account and region is an error ($case)', ({ envA, envB }) => {
    // GIVEN
    const app = new App();
    const a = new Stack(app, 'A', { env: envA });
    const b = new Stack(app, 'B', { env: envB });
    const tokenArn = (stack: Stack) => new CfnParameter(stack, 'ConnectorArn').valueAsString;
    new DebeziumSilentFailureGuard(a, 'G', quickStartProps(a, { connectorArn: tokenArn(a), connectorName: 'orders-cdc' }));
    // WHEN / THEN
    expect(() => new DebeziumSilentFailureGuard(b, 'G', quickStartProps(b, { connectorArn: tokenArn(b), connectorName: 'orders-cdc' }))).toThrow(new Error(
      'connectorName "orders-cdc" is already guarded by A/G, in another stack of this app that may deploy to the same account and region '
      + '(a token connectorArn in a stack without env can deploy anywhere); '
      + 'a connector takes exactly one DebeziumSilentFailureGuard: keep one of the two guards, or set both stacks\' env if they deploy to different accounts or regions'));
  });

  test('a token ARN with the same name in stacks of different regions is allowed', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: REGION } });
    const b = new Stack(app, 'B', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    for (const stack of [a, b]) {
      new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, { connectorArn: new CfnParameter(stack, 'ConnectorArn').valueAsString, connectorName: 'orders-cdc' }));
    }
    // The second guard synthesized: its recovery trigger exists.
    Template.fromStack(b).hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'orders-cdc-debezium-guard' });
  });

  test('connector names from tokens are not compared', () => {
    const app = new App();
    const guard = (stack: Stack) => () => new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, {
      connectorArn: new CfnParameter(stack, 'ConnectorArn').valueAsString, connectorName: new CfnParameter(stack, 'ConnectorName').valueAsString,
    }));
    expect(guard(new Stack(app, 'A'))).not.toThrow();
    expect(guard(new Stack(app, 'B'))).not.toThrow();
  });
});

describe('warnings for risky but legal choices', () => {
  function warnings(overrides: Partial<DebeziumSilentFailureGuardProps>) {
    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, overrides));
    return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
  }

  test('the quick start has no warning', () => {
    expect(warnings({})).toEqual([]);
  });

  test.each([
    { case: 'offset window under 3 minutes', props: { offsetCommitWindow: Duration.minutes(2) }, id: 'cdk-debezium-guard:ShortOffsetCommitWindow', text: 'offsetCommitWindow is 120 s' },
    {
      case: 'window under 3 flush intervals',
      props: { offsetFlushInterval: Duration.minutes(2) },
      id: 'cdk-debezium-guard:ShortOffsetCommitWindow',
      text: 'offsetCommitWindow is 300 s: Kafka Connect commits offsets every offset.flush.interval.ms (offsetFlushInterval, 120 s), so a window under 360 s',
    },
    {
      case: 'datapoints to alarm that shorten the window',
      props: { offsetCommitAlarm: { datapointsToAlarm: 2 } },
      id: 'cdk-debezium-guard:ShortOffsetCommitWindow',
      text: 'offsetCommitWindow is 120 s (offsetCommitAlarm.datapointsToAlarm 2 of 5 periods of 60 s)',
    },
    { case: 'notify-only', props: { recoveryStrategy: RecoveryStrategy.NOTIFY_ONLY }, id: 'cdk-debezium-guard:NotifyOnly', text: 'never restarts or re-creates' },
    { case: 'offset reset allowed', props: { allowOffsetReset: true }, id: 'cdk-debezium-guard:OffsetResetAllowed', text: 'may start from no committed offsets' },
    {
      case: 'offset alarm not breaching on missing data',
      props: { offsetCommitAlarm: { treatMissingData: cloudwatch.TreatMissingData.IGNORE } },
      id: 'cdk-debezium-guard:OffsetCommitMissingDataNotBreaching',
      text: 'the alarm may never fire',
    },
    {
      case: 'schedule created disabled',
      props: { preventiveRestartSchedule: events.Schedule.cron({ hour: '2', minute: '0' }) },
      id: 'cdk-debezium-guard:PreventiveRestartDisabled',
      text: 'the rule is created disabled',
    },
    {
      case: 'sub-minute period on a 1-minute-resolution metric',
      props: { taskHealthAlarm: { period: Duration.seconds(10) } },
      id: 'cdk-debezium-guard:SubMinutePeriod',
      text: 'taskHealthAlarm.period is 10 s: metric filter and AWS/KafkaConnect metrics have 1-minute resolution',
    },
  ])('$case', ({ props, id, text }) => {
    const found = warnings(props as Partial<DebeziumSilentFailureGuardProps>);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(text);
    expect(found[0]).toContain(`[ack: ${id}]`);
  });

  test('the IDs are public, and acknowledging one by its exported name silences it', () => {
    expect(DebeziumGuardWarnings.NOTIFY_ONLY).toBe('cdk-debezium-guard:NotifyOnly');
    expect(Object.values(DebeziumGuardWarnings).sort()).toEqual([
      'cdk-debezium-guard:FleetManagedPolicyQuota', 'cdk-debezium-guard:NotifyOnly', 'cdk-debezium-guard:OffsetCommitMissingDataNotBreaching', 'cdk-debezium-guard:OffsetResetAllowed',
      'cdk-debezium-guard:PreventiveRestartDisabled', 'cdk-debezium-guard:ShortOffsetCommitWindow', 'cdk-debezium-guard:SubMinutePeriod',
      'cdk-debezium-guard:TopicKeyPolicyNotUpdated',
    ]);
    // each is documented in the README's table of synth warnings
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    for (const id of Object.values(DebeziumGuardWarnings)) {
      expect(readme).toContain(`| \`${id}\` |`);
    }
    const stack = newStack();
    const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { recoveryStrategy: RecoveryStrategy.NOTIFY_ONLY }));
    CdkAnnotations.of(guard).acknowledgeWarning(DebeziumGuardWarnings.NOTIFY_ONLY, 'first rollout');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});
