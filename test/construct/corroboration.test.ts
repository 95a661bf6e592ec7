import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { newStack, quickStartProps } from './fixtures';
import { DebeziumSilentFailureGuard } from '../../src';
import { readTemplate } from '../../tools/simulate/alarm-model';

/*
 * "Act only on a corroborated failure": the alarms that corroborate a stall from two sources, the
 * crash-loop alarm, the log-delivery warning, and the composite alarm's rule over them.
 */

function quickStart(overrides = {}) {
  const stack = newStack();
  const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, overrides));
  return { stack, guard, template: Template.fromStack(stack) };
}

const id = (stack: any, construct: any) => stack.getLogicalId(construct.node.defaultChild);
const nativeStat = (id_: string, metricName: string) => ({
  Id: id_,
  MetricStat: {
    Metric: { Namespace: 'AWS/KafkaConnect', MetricName: metricName, Dimensions: [{ Name: 'ConnectorName', Value: 'orders-cdc' }] },
    Period: 60,
    Stat: 'Maximum',
  },
  ReturnData: false,
});

describe('the alarms that corroborate a stall', () => {
  test('no-production: AWS/KafkaConnect records polled + written, missing = 0, at most 0 for 2 of 2 minutes', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-cdc-debezium-guard-no-production',
      AlarmDescription: Match.stringLikeRegexp('^Debezium connector orders-cdc: no record polled or written .* Check first: .*heartbeat.interval.ms'),
      Metrics: [
        { Expression: 'FILL(polled, 0) + FILL(written, 0)', Id: 'expr_1', Label: 'Records polled + written per second (missing = 0)' },
        { ...nativeStat('polled', 'SourceRecordPollRate'), MetricStat: { ...nativeStat('polled', 'SourceRecordPollRate').MetricStat } },
        nativeStat('written', 'SourceRecordWriteRate'),
      ].map((m) => Match.objectLike(m)),
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 0,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
    });
  });

  test('offset-commit gap: FILL(commits, 0) below 1 for one minute, on the same metric filter as the offset-commit alarm', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-cdc-debezium-guard-offset-commit-gap',
      AlarmDescription: Match.stringLikeRegexp('It acts only together with orders-cdc-debezium-guard-no-production .* Check first: '),
      Metrics: [
        Match.objectLike({ Expression: 'FILL(commits, 0)' }),
        Match.objectLike({ Id: 'commits', MetricStat: { Metric: { Namespace: 'DebeziumGuard/OffsetCommits', MetricName: 'orders-cdc' }, Period: 60, Stat: 'Sum' } }),
      ],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('crash loop: ErroredTaskCount above 0 in 2 of the last 5 minutes, missing = not breaching', () => {
    const { template } = quickStart();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-cdc-debezium-guard-crash-loop',
      AlarmDescription: Match.stringLikeRegexp('in 2 of the last 5 x 1 minute: it keeps failing and coming back, or stays failed\\. Check first: '),
      Metrics: [{ ...nativeStat('m1', 'ErroredTaskCount'), Label: 'Errored tasks', ReturnData: true }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  test('each is tunable through its own prop', () => {
    const { template } = quickStart({
      noProductionAlarm: { period: Duration.minutes(2), evaluationPeriods: 3 },
      offsetCommitGapAlarm: { evaluationPeriods: 2 },
      crashLoopAlarm: { evaluationPeriods: 10, datapointsToAlarm: 3 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-cdc-debezium-guard-no-production',
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'polled', MetricStat: Match.objectLike({ Period: 120 }) })]),
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-cdc-debezium-guard-offset-commit-gap', EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-cdc-debezium-guard-crash-loop', EvaluationPeriods: 10, DatapointsToAlarm: 3 });
  });

  test('a datapointsToAlarm above the default evaluation periods is a synth error naming the prop', () => {
    const stack = newStack();
    expect(() => new DebeziumSilentFailureGuard(stack, 'G', quickStartProps(stack, {
      noProductionAlarm: { datapointsToAlarm: 3 },
      crashLoopAlarm: { datapointsToAlarm: 6 },
    }))).toThrow('Invalid DebeziumSilentFailureGuard props at TestStack/G:\n'
      + '- noProductionAlarm.datapointsToAlarm (3) must be at most its evaluation periods (2, the default); set noProductionAlarm.evaluationPeriods to at least 3 or lower datapointsToAlarm\n'
      + '- crashLoopAlarm.datapointsToAlarm (6) must be at most its evaluation periods (5, the default); set crashLoopAlarm.evaluationPeriods to at least 6 or lower datapointsToAlarm');
  });
});

describe('the composite alarm: the single trigger of recovery and paging', () => {
  test.each([
    { case: 'quick start', props: {}, extra: [] as string[] },
    { case: 'with Connected and lag metrics', props: 'debezium', extra: ['connectedAlarm', 'lagAlarm'] },
  ])('$case: (offset-commit gap AND no production) OR errored OR running OR crash loop, and never the offset-commit alarm alone', ({ props, extra }) => {
    const debezium = {
      connectedMetric: new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'Connected' }),
      lagMetric: new cloudwatch.Metric({ namespace: 'Debezium/JMX', metricName: 'MilliSecondsBehindSource' }),
    };
    const { stack, guard, template } = quickStart(props === 'debezium' ? debezium : {});
    const { composites } = readTemplate(template.toJSON() as never);
    const composite = composites.find((c) => c.logicalId === id(stack, guard.compositeAlarm))!;
    const a = (alarm: any) => ({ kind: 'alarm', logicalId: id(stack, alarm) });
    expect(composite.rule).toEqual({
      kind: 'or',
      operands: [
        { kind: 'and', operands: [a(guard.offsetCommitGapAlarm), a(guard.noProductionAlarm)] },
        a(guard.erroredTasksAlarm), a(guard.runningTasksAlarm), a(guard.crashLoopAlarm),
        ...extra.map((name) => a((guard as any)[name])),
      ],
    });
  });

  test('the EventBridge rule starts the recovery on the composite alarm only, not on the log-delivery warning', () => {
    const { stack, guard, template } = quickStart();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'resources': [{ 'Fn::GetAtt': [id(stack, guard.compositeAlarm), 'Arn'] }], 'detail-type': ['CloudWatch Alarm State Change'] },
    });
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toContain(id(stack, guard.logDeliveryAlarm));
  });
});

describe('the log-delivery warning', () => {
  test('offset-commit alarm in ALARM and no-production not: a WARNING to the topic on ALARM and OK, saying what to check', () => {
    const { stack, guard, template } = quickStart();
    const topic = { Ref: id(stack, guard.topic) };
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'orders-cdc-debezium-guard-log-delivery',
      AlarmDescription: Match.stringLikeRegexp('^WARNING, not an incident: worker logs stopped arriving for Debezium connector orders-cdc; the connector is producing .*'
        + 'The guard does not restart or re-create it for this\\. Check first: '),
      AlarmActions: [topic],
      OKActions: [topic],
    });
    const { composites } = readTemplate(template.toJSON() as never);
    const warning = composites.find((c) => c.logicalId === id(stack, guard.logDeliveryAlarm))!;
    expect(warning.rule).toEqual({
      kind: 'and',
      operands: [
        { kind: 'alarm', logicalId: id(stack, guard.offsetCommitAlarm) },
        { kind: 'not', operand: { kind: 'alarm', logicalId: id(stack, guard.noProductionAlarm) } },
      ],
    });
  });

  test('quiet while the composite alarm is in ALARM and for the offset-commit window plus a minute after it clears (commits refill the window)', () => {
    const { stack, guard, template } = quickStart();
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'orders-cdc-debezium-guard-log-delivery',
      ActionsSuppressor: { 'Fn::GetAtt': [id(stack, guard.compositeAlarm), 'Arn'] },
      ActionsSuppressorExtensionPeriod: 360,
      ActionsSuppressorWaitPeriod: 60,
    });
    const longer = quickStart({ offsetCommitWindow: Duration.minutes(10) });
    longer.template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'orders-cdc-debezium-guard-log-delivery', ActionsSuppressorExtensionPeriod: 660,
    });
  });

  test('the signal alarms notify nobody themselves', () => {
    const { stack, guard, template } = quickStart();
    for (const alarm of [guard.offsetCommitAlarm, guard.offsetCommitGapAlarm, guard.noProductionAlarm, guard.crashLoopAlarm]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: alarm === guard.offsetCommitAlarm ? 'orders-cdc-debezium-guard-offset-commits' : Match.anyValue(), AlarmActions: Match.absent() });
      expect(template.toJSON().Resources[id(stack, alarm)].Properties.AlarmActions).toBeUndefined();
    }
  });
});
