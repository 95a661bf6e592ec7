import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ACCOUNT, newStack, quickStartProps, REGION, ROLE_ARN } from './fixtures';
import { DebeziumSilentFailureGuard, KafkaConnectVersion, RecoveryStrategy } from '../../src';
import { RECOVERY_FUNCTION_TIMEOUT_SECONDS, RECOVERY_LEASE_MS } from '../../src/recovery/constants';

function quickStart(overrides = {}) {
  const stack = newStack();
  const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, overrides));
  return { stack, guard, template: Template.fromStack(stack) };
}

describe('signals', () => {
  test('offset-commit metric filter counts the 3.7.x commit line of this connector by default', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: '/msk-connect/orders-cdc',
      FilterPattern: '"WorkerSourceTask{id=orders-cdc-" "Committing offsets for"',
      MetricTransformations: [{ MetricNamespace: 'DebeziumGuard/OffsetCommits', MetricName: 'orders-cdc', MetricValue: '1' }],
    });
  });

  test('2.7.1 counts only successful commits (2.7.1 logs "Committing offsets" even when stuck)', () => {
    const { template } = quickStart({ kafkaConnectVersion: KafkaConnectVersion.V2_7_1 });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '"WorkerSourceTask{id=orders-cdc-" "Finished commitOffsets successfully"',
    });
  });

  test('a custom pattern replaces the version pattern', () => {
    const { template } = quickStart({ offsetCommitPattern: logs.FilterPattern.literal('"orders-cdc" "offsets flushed"') });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '"orders-cdc" "offsets flushed"' });
  });

  test('offset-commit alarm: FILL(commits, 0) < 1 over 5 x 1 min, 5 of 5, missing data breaching', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'breaching',
      Metrics: [
        { Id: 'expr_1', Expression: 'FILL(commits, 0)', Label: 'Offset commits (missing = 0)' },
        {
          Id: 'commits',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'DebeziumGuard/OffsetCommits', MetricName: 'orders-cdc' },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
    });
  });

  test('offsetCommitWindow and the period set the evaluation periods', () => {
    const { template } = quickStart({
      offsetCommitWindow: Duration.minutes(10),
      offsetCommitAlarm: { period: Duration.minutes(2), datapointsToAlarm: 4 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'commits', MetricStat: Match.objectLike({ Period: 120 }) })]),
      EvaluationPeriods: 5,
      DatapointsToAlarm: 4,
    });
  });

  test('setting only the period keeps the default 5-minute window', () => {
    const { template } = quickStart({ offsetCommitAlarm: { period: Duration.seconds(30) } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'commits', MetricStat: Match.objectLike({ Period: 30 }) })]),
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
    });
  });

  test('task health alarms on AWS/KafkaConnect for the connector name', () => {
    const { template } = quickStart({ expectedRunningTasks: 2 });
    const metric = (name: string, stat: string, label: string) => [{
      Id: 'm1',
      Label: label,
      ReturnData: true,
      MetricStat: { Metric: { Namespace: 'AWS/KafkaConnect', MetricName: name, Dimensions: [{ Name: 'ConnectorName', Value: 'orders-cdc' }] }, Period: 60, Stat: stat },
    }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: metric('ErroredTaskCount', 'Maximum', 'Errored tasks'),
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: metric('RunningTaskCount', 'Minimum', 'Running tasks'),
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 2,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  test('every alarm is named after the connector and its signal, and says what to check first', () => {
    // GIVEN every signal
    const connected = new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'Connected' });
    const lag = new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'MilliSecondsBehindSource' });
    // WHEN
    const { template } = quickStart({ connectedMetric: connected, lagMetric: lag });
    // THEN
    const alarms = Object.values({ ...template.findResources('AWS::CloudWatch::Alarm'), ...template.findResources('AWS::CloudWatch::CompositeAlarm') })
      .map((r: any) => r.Properties);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual([
      'orders-cdc-debezium-guard',
      'orders-cdc-debezium-guard-connected',
      'orders-cdc-debezium-guard-crash-loop',
      'orders-cdc-debezium-guard-errored-tasks',
      'orders-cdc-debezium-guard-lag',
      'orders-cdc-debezium-guard-log-delivery',
      'orders-cdc-debezium-guard-no-production',
      'orders-cdc-debezium-guard-offset-commit-gap',
      'orders-cdc-debezium-guard-offset-commits',
      'orders-cdc-debezium-guard-recovery-errors',
      'orders-cdc-debezium-guard-running-tasks',
    ]);
    for (const alarm of alarms) {
      expect(alarm.AlarmDescription).toContain('orders-cdc');
      expect(alarm.AlarmDescription).toMatch(/ Check first: [^.]+/);
    }
  });

  test('Connected and lag alarms exist only with their metrics, tuned as given', () => {
    // GIVEN
    const connected = new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'Connected', dimensionsMap: { connector: 'orders-cdc' }, statistic: 'Minimum' });
    const lag = new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'MilliSecondsBehindSource', statistic: 'Maximum' });
    // WHEN
    const { guard, template } = quickStart({
      connectedMetric: connected,
      connectedAlarm: { period: Duration.seconds(30), evaluationPeriods: 4, datapointsToAlarm: 3 },
      lagMetric: lag,
      lagThreshold: Duration.minutes(2),
    });
    // THEN
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
    expect(guard.connectedAlarm).toBeDefined();
    expect(guard.lagAlarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Debezium/JMX',
      MetricName: 'Connected',
      Period: 30,
      Statistic: 'Minimum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 4,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'MilliSecondsBehindSource',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 120000,
      EvaluationPeriods: 5,
      TreatMissingData: 'notBreaching',
    });
  });

  test('without the optional metrics there are six signal alarms (plus the recovery errors alarm) and no Connected/lag alarm', () => {
    const { guard, template } = quickStart();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    expect(guard.connectedAlarm).toBeUndefined();
    expect(guard.lagAlarm).toBeUndefined();
  });
});

describe('composite alarm, notifications and triggers', () => {
  test('one composite alarm over the signal alarms notifies the topic on ALARM and OK', () => {
    const { stack, guard, template } = quickStart();
    const composite = template.findResources('AWS::CloudWatch::CompositeAlarm')[stack.getLogicalId(guard.compositeAlarm!.node.defaultChild as any)];
    const ruleText = JSON.stringify(composite.Properties.AlarmRule);
    const triggers = [guard.offsetCommitGapAlarm, guard.noProductionAlarm, guard.erroredTasksAlarm, guard.runningTasksAlarm, guard.crashLoopAlarm];
    for (const alarm of triggers) {
      expect(ruleText).toContain(stack.getLogicalId(alarm!.node.defaultChild as any));
    }
    // A silent worker log alone never triggers recovery (see corroboration.test.ts for the rule).
    expect(ruleText).not.toContain(stack.getLogicalId(guard.offsetCommitAlarm.node.defaultChild as any));
    expect(ruleText).toContain('ALARM(');
    expect(ruleText).toContain(' OR ');
    expect(composite.Properties.AlarmActions).toEqual([{ Ref: stack.getLogicalId(guard.topic.node.defaultChild as any) }]);
    expect(composite.Properties.OKActions).toEqual([{ Ref: stack.getLogicalId(guard.topic.node.defaultChild as any) }]);
    // The signal alarms themselves notify nobody: the composite is the single trigger.
    const errorsAlarmId = stack.getLogicalId(guard.recoveryErrorsAlarm.node.defaultChild as any);
    for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      const expected = id === errorsAlarmId ? [{ Ref: stack.getLogicalId(guard.topic.node.defaultChild as any) }] : undefined;
      expect(alarm.Properties.AlarmActions).toEqual(expected);
    }
    expect(ruleText).not.toContain(errorsAlarmId);
  });

  test('topic enforces SSL and has the e-mail subscriptions', () => {
    const { template } = quickStart({ alertEmails: ['oncall@example.com', 'dba@example.com'] });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'dba@example.com' });
  });

  /** The key-policy statement CloudWatch alarms of the stack's account and Region need on the topic's key. */
  const ALARMS_MAY_USE_KEY = {
    Sid: 'AllowCloudWatchAlarmsToPublish',
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${REGION}:${ACCOUNT}:alarm:*`]] } },
    },
  };

  test('a KMS key encrypts the topic, CloudWatch alarms of this account may use it, and the function may publish', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'TopicKey');
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { topicEncryptionKey: key }));
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([ALARMS_MAY_USE_KEY]) } });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('TopicKeyPolicyNotUpdated'));
  });

  test('an SSE-KMS topic passed in: CloudWatch alarms of this account may use its key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'AlertsKey');
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { topic: new sns.Topic(stack, 'Alerts', { masterKey: key }) }));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([ALARMS_MAY_USE_KEY]) } });
  });

  test.each([
    { prop: 'topicEncryptionKey', props: (key: kms.IKey) => ({ topicEncryptionKey: key }) },
    { prop: 'topic.masterKey', props: (key: kms.IKey) => ({ topic: new sns.Topic(key.stack, 'Alerts', { masterKey: key }) }) },
  ])('an imported key ($prop): a synth warning gives the exact key-policy statement CloudWatch needs', ({ prop, props }) => {
    // GIVEN a key whose policy the guard cannot change
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, props(key)));
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/OrdersCdcGuard', `${prop} is an imported KMS key, so the guard cannot add to its key policy. `
      + 'Add this statement to the key policy yourself, or CloudWatch cannot publish the guard\'s alarm notifications to the encrypted topic '
      + 'and they are lost without an error: {"Action":["kms:Decrypt","kms:GenerateDataKey*"],'
      + '"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:*"}},'
      + '"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Resource":"*","Sid":"AllowCloudWatchAlarmsToPublish"} '
      + '[ack: cdk-debezium-guard:TopicKeyPolicyNotUpdated]');
  });

  test('an imported key in an environment-agnostic stack: the warning shows placeholders, never a token', () => {
    const stack = newStack({});
    const key = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { topicEncryptionKey: key }));
    Annotations.fromStack(stack).hasWarning('/TestStack/OrdersCdcGuard', Match.stringLikeRegexp(
      '"Condition":\\{"StringEquals":\\{"aws:SourceAccount":"<account>"\\},"ArnLike":\\{"aws:SourceArn":"arn:<partition>:cloudwatch:<region>:<account>:alarm:\\*"\\}\\}'));
    Annotations.fromStack(stack).hasNoWarning('/TestStack/OrdersCdcGuard', Match.stringLikeRegexp('Token'));
  });

  test('a topic passed in is used instead of creating one', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', `arn:aws:sns:${REGION}:${ACCOUNT}:platform-alerts`);
    const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { topic }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(guard.topic).toBe(topic);
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:platform-alerts`, Endpoint: 'oncall@example.com' });
  });

  test('the composite alarm going to ALARM invokes the recovery function', () => {
    const { stack, guard, template } = quickStart();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'resources': [{ 'Fn::GetAtt': [stack.getLogicalId(guard.compositeAlarm!.node.defaultChild as any), 'Arn'] }],
        'detail': { state: { value: ['ALARM'] } },
      },
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
  });

  test('a one-minute reconcile tick keeps recoveries going after a crash', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Input: '{"trigger":"tick"}' })],
    });
  });

  test('no preventive restart rule unless a schedule is given; created disabled by default', () => {
    expect(quickStart().guard.preventiveRestartRule).toBeUndefined();
    const { template } = quickStart({ preventiveRestartSchedule: events.Schedule.cron({ hour: '2', minute: '0' }) });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      State: 'DISABLED',
      Targets: [Match.objectLike({ Input: '{"trigger":"scheduled-restart"}' })],
    });
  });

  test('only a guard with a schedule tells its function the schedule\'s shortest interval (without it, a scheduled restart is refused)', () => {
    const variables = (template: Template) => (Object.values(template.findResources('AWS::Lambda::Function'))[0] as any).Properties.Environment.Variables;
    expect(variables(quickStart().template)).not.toHaveProperty('GUARD_SCHEDULED_RESTART_INTERVAL_SECONDS');
    const daily = quickStart({ preventiveRestartSchedule: events.Schedule.cron({ hour: '2', minute: '0' }) }).template;
    expect(variables(daily)).toMatchObject({ GUARD_SCHEDULED_RESTART_INTERVAL_SECONDS: '86400' });
    const hourly = quickStart({ preventiveRestartSchedule: events.Schedule.rate(Duration.hours(1)) }).template;
    expect(variables(hourly)).toMatchObject({ GUARD_SCHEDULED_RESTART_INTERVAL_SECONDS: '3600' });
  });

  test('preventiveRestartEnabled enables the schedule', () => {
    const { template } = quickStart({ preventiveRestartSchedule: events.Schedule.cron({ hour: '2', minute: '0' }), preventiveRestartEnabled: true });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 2 * * ? *)', State: 'ENABLED' });
  });
});

describe('recovery function', () => {
  test('only the guard\'s own EventBridge rules may invoke it (invoking it amounts to restart, and re-create, rights on the connector)', () => {
    const { template } = quickStart({ preventiveRestartSchedule: events.Schedule.cron({ hour: '2', minute: '0' }) });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as any[];
    const rules = Object.keys(template.findResources('AWS::Events::Rule'));
    expect(permissions.map((p) => [p.Properties.Principal, p.Properties.SourceArn['Fn::GetAtt'][0]]).sort())
      .toEqual(rules.map((rule) => ['events.amazonaws.com', rule]).sort());
  });

  test('a run\'s lease on the record outlasts the function timeout (else a successor could act while a run still does)', () => {
    const { template } = quickStart();
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Timeout).toBe(RECOVERY_FUNCTION_TIMEOUT_SECONDS);
    expect(RECOVERY_LEASE_MS).toBeGreaterThanOrEqual((fn.Properties.Timeout + 30) * 1000);
  });

  test('pinned runtime, arm64, bundled asset, own role and log group with retention', () => {
    const { stack, guard, template } = quickStart();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 120,
      MemorySize: 256,
      Role: { 'Fn::GetAtt': [stack.getLogicalId(guard.recoveryRole.node.defaultChild as any), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: stack.getLogicalId(guard.recoveryLogGroup.node.defaultChild as any) } },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 }, DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('the recovery function failing notifies the topic, outside the composite alarm', () => {
    const { stack, guard, template } = quickStart();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(guard.recoveryFunction.node.defaultChild as any) } }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: stack.getLogicalId(guard.topic.node.defaultChild as any) }],
      OKActions: [{ Ref: stack.getLogicalId(guard.topic.node.defaultChild as any) }],
    });
  });

  test('runtime and log retention are overridable', () => {
    const { template } = quickStart({ recoveryFunctionRuntime: lambda.Runtime.NODEJS_22_X, recoveryLogRetention: logs.RetentionDays.ONE_WEEK });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('environment carries the connector, config location, role, strategy and timings', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          GUARD_CONNECTOR_NAME: 'orders-cdc',
          GUARD_CONFIG_BUCKET: 'connector-configs',
          GUARD_CONFIG_KEY: 'debezium/orders-cdc.json',
          GUARD_CONFIG_BUCKET_OWNER: ACCOUNT,
          GUARD_SERVICE_EXECUTION_ROLE_ARN: ROLE_ARN,
          GUARD_TOPIC_ARN: { Ref: Match.stringLikeRegexp('OrdersCdcGuardTopic') },
          GUARD_STATE_TABLE: { Ref: Match.stringLikeRegexp('OrdersCdcGuardStateTable') },
          GUARD_ALARM_NAME: { Ref: Match.stringLikeRegexp('OrdersCdcGuardCompositeAlarm') },
          GUARD_STRATEGY: 'RESTART_THEN_RECREATE',
          GUARD_ALLOW_OFFSET_RESET: 'false',
          GUARD_COOLDOWN_SECONDS: '300',
          GUARD_BUDGET: '3',
          GUARD_BUDGET_WINDOW_SECONDS: '21600',
          // The crash-loop alarm (2 of 5) clears up to 4 minutes after a restart that worked; + 3 minutes.
          GUARD_VERIFY_SECONDS: '420',
          GUARD_OPERATION_TIMEOUT_SECONDS: '1800',
          POWERTOOLS_METRICS_NAMESPACE: 'DebeziumGuard',
        },
      },
    });
  });

  test('recovery props reach the environment', () => {
    const { template } = quickStart({
      recoveryStrategy: RecoveryStrategy.RESTART_ONLY,
      allowOffsetReset: true,
      recoveryCooldown: Duration.minutes(1),
      recoveryBudget: 5,
      recoveryBudgetWindow: Duration.hours(1),
      recoveryVerificationPeriod: Duration.minutes(7),
      operationTimeout: Duration.minutes(20),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          GUARD_STRATEGY: 'RESTART_ONLY',
          GUARD_ALLOW_OFFSET_RESET: 'true',
          GUARD_COOLDOWN_SECONDS: '60',
          GUARD_BUDGET: '5',
          GUARD_BUDGET_WINDOW_SECONDS: '3600',
          GUARD_VERIFY_SECONDS: '420',
          GUARD_OPERATION_TIMEOUT_SECONDS: '1200',
        }),
      },
    });
  });

  test('state table: one item per connector, on demand, point-in-time recovery, destroyed with the guard', () => {
    const { template } = quickStart();
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('IAM least privilege', () => {
  function statements(overrides = {}) {
    const { template } = quickStart(overrides);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [role] = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    expect(role.Properties.Policies).toHaveLength(1);
    return role.Properties.Policies[0].PolicyDocument.Statement as any[];
  }
  const connectorArn = (resource: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kafkaconnect:${REGION}:${ACCOUNT}:${resource}`]],
  });

  test('connector actions are scoped to the connector name; PassRole to the one role for MSK Connect', () => {
    const s = statements();
    expect(s).toEqual(expect.arrayContaining([
      { Sid: 'ListConnectors', Effect: 'Allow', Action: 'kafkaconnect:ListConnectors', Resource: '*' },
      // Read-only, for the drill: GetMetricStatistics has no resource-level permission.
      { Sid: 'CountOffsetCommits', Effect: 'Allow', Action: 'cloudwatch:GetMetricStatistics', Resource: '*' },
      // Read-only, for the drill: the rules that target the function, found by its ARN (ListRuleNamesByTarget has no
      // resource-level permission), then each rule and its targets (their names are generated at deploy).
      { Sid: 'FindTriggerRules', Effect: 'Allow', Action: 'events:ListRuleNamesByTarget', Resource: '*' },
      {
        Sid: 'ReadTriggerRules',
        Effect: 'Allow',
        Action: ['events:DescribeRule', 'events:ListTargetsByRule'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${REGION}:${ACCOUNT}:rule/*`]] },
      },
      { Sid: 'RestartConnector', Effect: 'Allow', Action: 'kafkaconnect:RestartConnector', Resource: connectorArn('connector/orders-cdc/*') },
      { Sid: 'FollowConnectorOperations', Effect: 'Allow', Action: 'kafkaconnect:DescribeConnectorOperation', Resource: connectorArn('connector-operation/orders-cdc/*') },
      {
        // Before any delete: the stored request is compared with the connector as it runs, tags included.
        Sid: 'CompareWithRunningConnector',
        Effect: 'Allow',
        Action: ['kafkaconnect:DescribeConnector', 'kafkaconnect:ListTagsForResource'],
        Resource: connectorArn('connector/orders-cdc/*'),
      },
      {
        Sid: 'RecreateConnector',
        Effect: 'Allow',
        Action: ['kafkaconnect:DeleteConnector', 'kafkaconnect:TagResource'],
        Resource: connectorArn('connector/orders-cdc/*'),
      },
      // CreateConnector authorizes against no resource: "*", bounded by the one role it may pass.
      { Sid: 'CreateConnector', Effect: 'Allow', Action: 'kafkaconnect:CreateConnector', Resource: '*' },
      {
        Sid: 'PassServiceExecutionRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: ROLE_ARN,
        Condition: { StringEquals: { 'iam:PassedToService': 'kafkaconnect.amazonaws.com' } },
      },
      {
        Sid: 'ReadStoredCreateConnectorRequest',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::connector-configs/debezium/orders-cdc.json']] },
        // Only from a bucket the stack's account owns: a deleted bucket's name can be registered by anyone.
        Condition: { StringEquals: { 's3:ResourceAccount': ACCOUNT } },
      },
      {
        // Exactly what CreateConnector and DeleteConnector need from their caller (see permissions.ts):
        // no logs:UpdateLogDelivery, which neither needs.
        Sid: 'CreateConnectorNetworkAndLogDelivery',
        Effect: 'Allow',
        Action: [
          'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
          'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
          'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
        ],
        Resource: '*',
      },
      { Sid: 'ReadGuardAlarm', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: { 'Fn::GetAtt': [expect.stringMatching(/CompositeAlarm/), 'Arn'] } },
    ]));
    expect(s).toEqual(expect.arrayContaining([
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/RecoveryLogGroup/), 'Arn'] } },
      { Sid: 'RecoveryRecord', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/StateTable/), 'Arn'] } },
      { Sid: 'Notify', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/Topic/) } },
    ]));
    expect(s).toHaveLength(17);
    // No s3:List*, no GetBucket*, nothing else in the bucket.
    expect(JSON.stringify(s)).not.toMatch(/s3:List|s3:GetBucket|s3:\*|kafkaconnect:\*/);
  });

  test.each([
    { strategy: RecoveryStrategy.RESTART_ONLY, restarts: true },
    { strategy: RecoveryStrategy.NOTIFY_ONLY, restarts: false },
  ])('$strategy: no delete, create, PassRole or config read; RestartConnector only if it restarts', ({ strategy, restarts }) => {
    const s = statements({ recoveryStrategy: strategy });
    const text = JSON.stringify(s);
    expect(text).not.toMatch(/DeleteConnector|CreateConnector|DescribeConnector"|ListTagsForResource|iam:PassRole|s3:GetObject|ec2:/);
    expect(text.includes('kafkaconnect:RestartConnector')).toBe(restarts);
    expect(s.map((st) => st.Sid)).toEqual([
      'WriteOwnLogs', 'ReadGuardAlarm', 'RecoveryRecord', 'Notify', 'ListConnectors', 'CountOffsetCommits', 'FindTriggerRules', 'ReadTriggerRules', ...(restarts ? ['RestartConnector'] : []),
      'FollowConnectorOperations',
    ]);
  });

  test('the stored request is read only from the account that owns the config bucket: policy condition and environment', () => {
    // GIVEN a bucket imported from another account, and an environment-agnostic stack
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Shared', { bucketName: 'connector-configs', account: '210987654321' });
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { configBucket: bucket }));
    const agnostic = newStack({});
    new DebeziumSilentFailureGuard(agnostic, 'OrdersCdcGuard', quickStartProps(agnostic, {}));
    // THEN the bucket's own account is pinned, a token where the account is one
    for (const [template, owner] of [[Template.fromStack(stack), '210987654321'], [Template.fromStack(agnostic), { Ref: 'AWS::AccountId' }]] as const) {
      const [role] = Object.values(template.findResources('AWS::IAM::Role')) as any[];
      expect(role.Properties.Policies[0].PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Sid: 'ReadStoredCreateConnectorRequest', Condition: { StringEquals: { 's3:ResourceAccount': owner } },
      }));
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ GUARD_CONFIG_BUCKET_OWNER: owner }) },
      });
    }
  });

  test('an SSE-KMS bucket: decrypt granted on its key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'BucketKey');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Encrypted', { bucketName: 'connector-configs', encryptionKey: key });
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { configBucket: bucket }));
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
    expect(role.Properties.Policies[0].PolicyDocument.Statement).toContainEqual({
      Sid: 'DecryptStoredCreateConnectorRequest', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/BucketKey/), 'Arn'] },
    });
  });
});

describe('review fixes', () => {
  test('the composite alarm is named after the connector (unique per account and Region)', () => {
    quickStart().template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'orders-cdc-debezium-guard' });
  });

  test('an SSE-KMS topic passed in: the function may use its key to publish', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'AlertsKey');
    const topic = new sns.Topic(stack, 'Alerts', { masterKey: key });
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { topic }));
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const statements = (Object.values(roles) as any[]).flatMap((r) => r.Properties.Policies?.[0]?.PolicyDocument.Statement ?? []);
    expect(statements).toContainEqual({
      Sid: 'NotifyEncryptedTopic',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/AlertsKey/), 'Arn'] },
    });
  });

  test('the verification period covers the longest a trigger alarm takes to clear: a longer crash-loop window lengthens it', () => {
    quickStart({ crashLoopAlarm: { evaluationPeriods: 10, datapointsToAlarm: 2 } }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GUARD_VERIFY_SECONDS: String((10 - 2 + 1) * 60 + 180) }) },
    });
  });

  test('the verification period follows the longest period the alarms really use (a Connected metric keeps its 5 minutes)', () => {
    const connected = new cloudwatch.Metric({ namespace: 'Debezium', metricName: 'Connected', statistic: 'Minimum' });
    quickStart({ connectedMetric: connected }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GUARD_VERIFY_SECONDS: String(2 * 300 + 180) }) },
    });
  });
});

describe('dashboard', () => {
  test('opt-in dashboard with the guard widgets; none by default', () => {
    quickStart().template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const { guard, template } = quickStart({ createDashboard: true, dashboardName: 'orders-cdc-guard' });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'orders-cdc-guard' });
    expect(guard.dashboard).toBeDefined();
  });

  test('dashboardWidgets() returns alarm status, signal and recovery widgets for a team dashboard', () => {
    const { stack, guard } = quickStart();
    const widgets = guard.dashboardWidgets();
    const text = JSON.stringify(widgets.map((w) => stack.resolve(w.toJson())));
    expect(widgets).toHaveLength(5);
    expect(text).toContain('orders-cdc: guard alarms');
    expect(text).toContain('Records (AWS/KafkaConnect)');
    expect(text).toContain('SourceRecordPollRate');
    expect(text).toContain('DebeziumGuard/OffsetCommits');
    expect(text).toContain('RunningTaskCount');
    expect(text).toContain('RecoveryStepStarted');
    expect(text).toContain('"service","debezium-guard"');
  });
});
