import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand, ListTagsForResourceCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch';
import {
  DescribeRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand, ListTargetsByRuleCommand,
  ResourceNotFoundException as EventBridgeResourceNotFound,
} from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { credentials, errorOf, REGION } from './helpers';
import { S3ConfigSource } from '../../src/recovery/aws.lambda-shared';
import { AwsEmulator, FakeClock } from '../../tools/emulator';

const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:debezium-guard';

describe('S3, SNS and CloudWatch', () => {
  let clock: FakeClock;
  let emulator: AwsEmulator;
  let s3: S3Client;
  let sns: SNSClient;
  let cw: CloudWatchClient;

  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 10, 28, 12, 0, 0));
    emulator = new AwsEmulator({ region: REGION, account: '111122223333', clock });
    const endpoint = await emulator.start();
    s3 = new S3Client({ region: REGION, endpoint, credentials, forcePathStyle: true });
    sns = new SNSClient({ region: REGION, endpoint, credentials });
    cw = new CloudWatchClient({ region: REGION, endpoint, credentials });
  });

  afterEach(async () => {
    s3.destroy();
    sns.destroy();
    cw.destroy();
    await emulator.stop();
  });

  test('S3 GetObject returns the stored body, keys with slashes and special characters work', async () => {
    const key = 'connectors/orders cdc+v2.json';
    emulator.s3.putObject('guard-config', key, '{"name":"orders"}', 'application/json');
    const out = await s3.send(new GetObjectCommand({ Bucket: 'guard-config', Key: key }));
    expect(await out.Body?.transformToString()).toBe('{"name":"orders"}');
    expect(out.ContentType).toBe('application/json');
    expect(out.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(out.LastModified).toEqual(new Date(clock.now()));
    expect(emulator.requests.of('s3', 'GetObject')[0].params).toEqual({ bucket: 'guard-config', key });
  });

  test('S3 honours ExpectedBucketOwner: the owner reads, any other account gets 403 AccessDenied, as S3 answers', async () => {
    emulator.s3.createBucket('owned', '210987654321');
    emulator.s3.putObject('owned', 'k', 'v');
    expect(emulator.s3.bucketOwner('owned')).toBe('210987654321');
    const out = await s3.send(new GetObjectCommand({ Bucket: 'owned', Key: 'k', ExpectedBucketOwner: '210987654321' }));
    expect(await out.Body?.transformToString()).toBe('v');
    const denied = await errorOf(() => s3.send(new GetObjectCommand({ Bucket: 'owned', Key: 'k', ExpectedBucketOwner: emulator.account })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    expect(emulator.requests.of('s3', 'GetObject')[1].params).toEqual({ bucket: 'owned', key: 'k', expectedBucketOwner: emulator.account });
    // The recovery function's reader: a bucket of another owner reads as no usable request.
    await expect(new S3ConfigSource(s3, 'owned', 'k', emulator.account).read()).resolves.toBeUndefined();
    await expect(new S3ConfigSource(s3, 'owned', 'k', '210987654321').read()).resolves.toBe('v');
    // A bucket created without an owner belongs to the emulator's account.
    emulator.s3.putObject('mine', 'k', 'v');
    expect(emulator.s3.bucketOwner('mine')).toBe(emulator.account);
  });

  test('S3 NoSuchKey after deleteObject, NoSuchBucket for unknown buckets', async () => {
    emulator.s3.putObject('b1', 'k', 'v');
    expect(emulator.s3.deleteObject('b1', 'k')).toBe(true);
    const noKey = await errorOf(() => s3.send(new GetObjectCommand({ Bucket: 'b1', Key: 'k' })));
    expect(noKey.name).toBe('NoSuchKey');
    expect(noKey.$metadata?.httpStatusCode).toBe(404);
    const noBucket = await errorOf(() => s3.send(new GetObjectCommand({ Bucket: 'b2', Key: 'k' })));
    expect(noBucket.name).toBe('NoSuchBucket');
  });

  test('SNS Publish is recorded with subject, message, attributes and time', async () => {
    emulator.sns.createTopic(TOPIC);
    const out = await sns.send(new PublishCommand({
      TopicArn: TOPIC,
      Subject: 'Connector orders recovered',
      Message: 'restart <ok> & "done"\nline 2',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'INFO' }, attempt: { DataType: 'Number', StringValue: '2' } },
    }));
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    clock.advance(1000);
    await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'second' }));

    expect(emulator.sns.published).toEqual([
      {
        messageId: out.MessageId,
        topicArn: TOPIC,
        subject: 'Connector orders recovered',
        message: 'restart <ok> & "done"\nline 2',
        messageAttributes: { severity: { dataType: 'String', value: 'INFO' }, attempt: { dataType: 'Number', value: '2' } },
        time: clock.now() - 1000,
      },
      expect.objectContaining({ message: 'second', subject: undefined, time: clock.now() }),
    ]);
    expect(emulator.sns.messages(TOPIC)).toHaveLength(2);
  });

  test('SNS Publish to an unknown topic is NotFound and records nothing', async () => {
    const err = await errorOf(() => sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })));
    expect(err.name).toBe('NotFoundException');
    expect(err.message).toBe('Topic does not exist');
    expect(emulator.sns.published).toEqual([]);
  });

  test('CloudWatch DescribeAlarms returns composite and metric alarms by name and type', async () => {
    const cwm = emulator.cloudwatch;
    cwm.setAlarm('orders-silent', { type: 'composite', state: 'ALARM', actionsEnabled: false, rule: 'ALARM(a) AND ALARM(b)', reason: 'both' });
    cwm.setAlarm('orders-lag', { state: 'OK' });
    cwm.setAlarm('other', { state: 'ALARM' });

    const composite = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['orders-silent', 'orders-lag'], AlarmTypes: ['CompositeAlarm'] }));
    expect(composite.MetricAlarms).toBeUndefined();
    expect(composite.CompositeAlarms).toEqual([expect.objectContaining({
      AlarmName: 'orders-silent',
      AlarmArn: `arn:aws:cloudwatch:${REGION}:111122223333:alarm:orders-silent`,
      StateValue: 'ALARM',
      StateReason: 'both',
      StateUpdatedTimestamp: new Date(clock.now()),
      ActionsEnabled: false,
      AlarmRule: 'ALARM(a) AND ALARM(b)',
    })]);

    // Without AlarmTypes only metric alarms are returned, as in the real API.
    const byDefault = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['orders-silent', 'orders-lag'] }));
    expect(byDefault.CompositeAlarms).toBeUndefined();
    expect(byDefault.MetricAlarms?.map(a => [a.AlarmName, a.StateValue, a.ActionsEnabled])).toEqual([['orders-lag', 'OK', true]]);

    const both = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'orders', AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] }));
    expect(both.CompositeAlarms).toHaveLength(1);
    expect(both.MetricAlarms).toHaveLength(1);

    const alarming = await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(alarming.MetricAlarms?.map(a => a.AlarmName)).toEqual(['other']);
  });

  test('CloudWatch StateUpdatedTimestamp only moves when the state changes; pagination works', async () => {
    const cwm = emulator.cloudwatch;
    const t0 = clock.now();
    cwm.setAlarm('a', { state: 'ALARM' });
    clock.advance(60_000);
    cwm.setAlarm('a', { actionsEnabled: false });
    expect(cwm.alarm('a')?.stateUpdatedAt).toBe(t0);
    cwm.setAlarm('a', { state: 'OK' });
    expect(cwm.alarm('a')?.stateUpdatedAt).toBe(t0 + 60_000);

    cwm.setAlarm('b');
    cwm.setAlarm('c');
    const p1 = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 2 }));
    expect(p1.MetricAlarms?.map(a => a.AlarmName)).toEqual(['a', 'b']);
    const p2 = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 2, NextToken: p1.NextToken }));
    expect(p2.MetricAlarms?.map(a => a.AlarmName)).toEqual(['c']);
    expect(p2.NextToken).toBeUndefined();
    expect(p2.MetricAlarms?.[0].StateValue).toBe('INSUFFICIENT_DATA');
  });

  test('CloudWatch DescribeAlarms without names: StateValue and AlarmTypes filter before MaxRecords pages, NextToken continues', async () => {
    const cwm = emulator.cloudwatch;
    for (let i = 0; i < 5; i++) {
      cwm.setAlarm(`c${i}-debezium-guard`, { type: 'composite', state: i === 2 ? 'OK' : 'ALARM' });
      cwm.setAlarm(`c${i}-debezium-guard-silent`, { state: 'ALARM' });
    }
    const names: string[] = [];
    let NextToken: string | undefined;
    let calls = 0;
    do {
      const page = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'], StateValue: 'ALARM', MaxRecords: 3, NextToken }));
      expect(page.MetricAlarms).toBeUndefined();
      names.push(...(page.CompositeAlarms ?? []).map(a => a.AlarmName!));
      NextToken = page.NextToken;
      calls += 1;
    } while (NextToken);
    expect(names).toEqual(['c0-debezium-guard', 'c1-debezium-guard', 'c3-debezium-guard', 'c4-debezium-guard']);
    expect(calls).toBe(2);
  });

  test('CloudWatch ListTagsForResource: an alarm\'s tags by its ARN; an unknown ARN is ResourceNotFoundException', async () => {
    const cwm = emulator.cloudwatch;
    const alarm = cwm.setAlarm('orders-debezium-guard', { type: 'composite', tags: { 'debezium-guard:fleet': 'f-1', 'team': 'cdc' } });
    cwm.setAlarm('orders-debezium-guard', { state: 'ALARM' }); // a state change keeps the tags
    const out = await cw.send(new ListTagsForResourceCommand({ ResourceARN: alarm.arn }));
    expect(out.Tags).toEqual([{ Key: 'debezium-guard:fleet', Value: 'f-1' }, { Key: 'team', Value: 'cdc' }]);
    cwm.setAlarm('untagged');
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: cwm.alarm('untagged')!.arn }))).Tags).toEqual([]);

    const missing = await errorOf(() => cw.send(new ListTagsForResourceCommand({ ResourceARN: `${alarm.arn}-gone` })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const malformed = await errorOf(() => cw.send(new ListTagsForResourceCommand({ ResourceARN: 'orders-debezium-guard' })));
    expect(malformed.name).toBe('InvalidParameterValueException');
    expect(emulator.requests.of('monitoring', 'ListTagsForResource').map(r => [r.params.resourceArn, r.status])).toEqual([
      [alarm.arn, 200], [cwm.alarm('untagged')!.arn, 200], [`${alarm.arn}-gone`, 404], ['orders-debezium-guard', 400],
    ]);
  });

  test('CloudWatch GetMetricStatistics: one datapoint per period with values, from what was published; bad input is refused', async () => {
    const t0 = clock.now();
    emulator.cloudwatch.putMetricData('DebeziumGuard/OffsetCommits', 'orders', [
      { at: t0 - 170_000, value: 1 }, { at: t0 - 150_000, value: 2 }, { at: t0 - 50_000, value: 4 }, { at: t0 + 10_000, value: 8 },
    ]);
    const out = await cw.send(new GetMetricStatisticsCommand({
      Namespace: 'DebeziumGuard/OffsetCommits', MetricName: 'orders', StartTime: new Date(t0 - 180_000), EndTime: new Date(t0), Period: 60, Statistics: ['Sum', 'SampleCount'],
    }));
    expect(out.Label).toBe('orders');
    expect(out.Datapoints).toEqual([
      { Timestamp: new Date(t0 - 180_000), Sum: 3, SampleCount: 2, Unit: 'None' },
      { Timestamp: new Date(t0 - 60_000), Sum: 4, SampleCount: 1, Unit: 'None' },
    ]);
    const other = await cw.send(new GetMetricStatisticsCommand({
      Namespace: 'DebeziumGuard/OffsetCommits', MetricName: 'payments', StartTime: new Date(t0 - 180_000), EndTime: new Date(t0), Period: 60, Statistics: ['Sum'],
    }));
    expect(other.Datapoints).toEqual([]);
    const badPeriod = await errorOf(() => cw.send(new GetMetricStatisticsCommand({
      Namespace: 'N', MetricName: 'm', StartTime: new Date(t0 - 180_000), EndTime: new Date(t0), Period: 90, Statistics: ['Sum'],
    })));
    expect(badPeriod.name).toBe('InvalidParameterValueException');
    const backwards = await errorOf(() => cw.send(new GetMetricStatisticsCommand({
      Namespace: 'N', MetricName: 'm', StartTime: new Date(t0), EndTime: new Date(t0 - 60_000), Period: 60, Statistics: ['Sum'],
    })));
    expect(backwards.name).toBe('InvalidParameterValueException');
  });
});

describe('EventBridge (the rules on the default bus)', () => {
  const FUNCTION = 'arn:aws:lambda:ap-northeast-2:111122223333:function:recovery';
  let emulator: AwsEmulator;
  let eb: EventBridgeClient;

  beforeEach(async () => {
    emulator = new AwsEmulator({ region: REGION, account: '111122223333', clock: new FakeClock() });
    eb = new EventBridgeClient({ region: REGION, endpoint: await emulator.start(), credentials });
    emulator.events.putRule('b-tick', { scheduleExpression: 'rate(1 minute)', targets: [{ id: 't', arn: FUNCTION, input: '{"trigger":"tick"}' }] });
    emulator.events.putRule('a-alarm', { eventPattern: '{"source":["aws.cloudwatch"]}', targets: [{ id: 'sns', arn: 'arn:aws:sns:ap-northeast-2:111122223333:t' }, { id: 'f', arn: FUNCTION }] });
    emulator.events.putRule('c-other', { state: 'DISABLED', scheduleExpression: 'rate(5 minutes)', targets: [{ id: 'x', arn: `${FUNCTION}-other` }] });
  });

  afterEach(async () => {
    eb.destroy();
    await emulator.stop();
  });

  test('ListRuleNamesByTarget: the rules with a target of that ARN, by name, in pages of Limit', async () => {
    const first = await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: FUNCTION, Limit: 1 }));
    expect(first).toMatchObject({ RuleNames: ['a-alarm'], NextToken: expect.any(String) });
    const second = await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: FUNCTION, Limit: 1, NextToken: first.NextToken }));
    expect(second.RuleNames).toEqual(['b-tick']);
    expect(second.NextToken).toBeUndefined();
    expect((await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: 'arn:aws:lambda:ap-northeast-2:111122223333:function:none' }))).RuleNames).toEqual([]);
  });

  test('DescribeRule and ListTargetsByRule: state, schedule or pattern, and each target with its input', async () => {
    emulator.events.setRuleState('b-tick', 'DISABLED');
    expect(await eb.send(new DescribeRuleCommand({ Name: 'b-tick' }))).toMatchObject({
      Name: 'b-tick', State: 'DISABLED', ScheduleExpression: 'rate(1 minute)', Arn: 'arn:aws:events:ap-northeast-2:111122223333:rule/b-tick',
    });
    expect((await eb.send(new DescribeRuleCommand({ Name: 'a-alarm' }))).EventPattern).toBe('{"source":["aws.cloudwatch"]}');
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'a-alarm' }))).Targets).toEqual([
      { Id: 'sns', Arn: 'arn:aws:sns:ap-northeast-2:111122223333:t' }, { Id: 'f', Arn: FUNCTION },
    ]);
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'b-tick' }))).Targets).toEqual([{ Id: 't', Arn: FUNCTION, Input: '{"trigger":"tick"}' }]);
  });

  test('an unknown rule, or a bus the emulator does not model, is ResourceNotFoundException', async () => {
    emulator.events.deleteRule('b-tick');
    const unknown = await errorOf(() => eb.send(new DescribeRuleCommand({ Name: 'b-tick' })));
    expect(unknown).toBeInstanceOf(EventBridgeResourceNotFound);
    expect(unknown.message).toBe('Rule b-tick does not exist on EventBus default.');
    expect(await errorOf(() => eb.send(new ListTargetsByRuleCommand({ Rule: 'b-tick' })))).toBeInstanceOf(EventBridgeResourceNotFound);
    expect(await errorOf(() => eb.send(new ListRuleNamesByTargetCommand({ TargetArn: FUNCTION, EventBusName: 'orders' })))).toBeInstanceOf(EventBridgeResourceNotFound);
    // The default bus by its ARN is the default bus (b-tick was deleted above).
    const byArn = await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: FUNCTION, EventBusName: 'arn:aws:events:ap-northeast-2:111122223333:event-bus/default' }));
    expect(byArn.RuleNames).toEqual(['a-alarm']);
  });

  test('a NextToken it never handed out is InvalidToken (400), as the API reference says', async () => {
    const err = await errorOf(() => eb.send(new ListRuleNamesByTargetCommand({ TargetArn: FUNCTION, NextToken: 'not-a-token' })));
    expect(err.name).toBe('InvalidToken');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });
});
