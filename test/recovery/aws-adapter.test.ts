/**
 * The SDK adapter, one AWS call per method, on every call path. Most tests stub `Client#send` with
 * aws-sdk-client-mock. That stub sits *above* the SDK middleware stack (retry, serialisation,
 * signing), so the throttling tests at the end instead drive the real clients from
 * `createClients()` over a scripted transport, under fake timers: offline, no sleeping.
 */
import { Readable } from 'stream';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand, ListTargetsByRuleCommand, ResourceNotFoundException as RuleNotFound,
} from '@aws-sdk/client-eventbridge';
import {
  BadRequestException, ConflictException, CreateConnectorCommand, DeleteConnectorCommand, DescribeConnectorCommand, DescribeConnectorOperationCommand,
  DescribeWorkerConfigurationCommand, KafkaConnectClient, ListConnectorsCommand, ListTagsForResourceCommand, NotFoundException,
  RestartConnectorCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-kafkaconnect';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CompositeAlarmReader, createClients, DynamoStateStore, EventBridgeRuleReader, MetricOffsetCommitCounter, MskConnectApi, S3ConfigSource, SnsNotifier,
  triggeringAlarms, unqualifiedFunctionArn,
} from '../../src/recovery/aws.lambda-shared';
import { INITIAL_RECORD, type RecoveryRecord } from '../../src/recovery/model';
import { LeaseLostError } from '../../src/recovery/ports';

const ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders/11111111-aaaa';
const ARN_2 = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders/22222222-bbbb';
const OP_ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector-operation/orders/11111111-aaaa/op-1';
const WORKER_ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/offsets/wc-1';
const $metadata = {};

describe('MskConnectApi', () => {
  let kc: AwsClientStub<KafkaConnectClient>;
  beforeAll(() => {
    kc = mockClient(KafkaConnectClient);
  });
  const api = new MskConnectApi(new KafkaConnectClient({ region: 'eu-west-1' }));
  beforeEach(() => kc.reset());
  afterAll(() => kc.restore());

  describe('findByName', () => {
    test('picks the exact name among prefix matches', async () => {
      kc.on(ListConnectorsCommand).resolves({
        connectors: [
          { connectorName: 'orders-v2', connectorArn: ARN_2, connectorState: 'RUNNING' },
          { connectorName: 'orders', connectorArn: ARN, connectorState: 'FAILED', currentVersion: 'V7' },
        ],
      });
      await expect(api.findByName('orders')).resolves.toEqual({ arn: ARN, state: 'FAILED', currentVersion: 'V7' });
      expect(kc).toHaveReceivedCommandTimes(ListConnectorsCommand, 1);
      expect(kc).toHaveReceivedCommandWith(ListConnectorsCommand, { connectorNamePrefix: 'orders', nextToken: undefined });
    });

    test('"orders-v2" is not found when only "orders" exists (no reverse prefix confusion)', async () => {
      kc.on(ListConnectorsCommand).resolves({ connectors: [{ connectorName: 'orders', connectorArn: ARN, connectorState: 'RUNNING' }] });
      await expect(api.findByName('orders-v2')).resolves.toBeUndefined();
    });

    test('follows nextToken across pages', async () => {
      kc.on(ListConnectorsCommand, { nextToken: undefined }).resolves({
        connectors: [{ connectorName: 'orders-archive', connectorArn: ARN_2, connectorState: 'RUNNING' }],
        nextToken: 'page-2',
      });
      kc.on(ListConnectorsCommand, { nextToken: 'page-2' }).resolves({ connectors: [], nextToken: 'page-3' });
      kc.on(ListConnectorsCommand, { nextToken: 'page-3' }).resolves({
        connectors: [{ connectorName: 'orders', connectorArn: ARN, connectorState: 'RUNNING' }],
      });
      await expect(api.findByName('orders')).resolves.toEqual({ arn: ARN, state: 'RUNNING', currentVersion: undefined });
      expect(kc).toHaveReceivedCommandTimes(ListConnectorsCommand, 3);
      expect(kc).toHaveReceivedNthCommandWith(1, ListConnectorsCommand, { connectorNamePrefix: 'orders', nextToken: undefined });
      expect(kc).toHaveReceivedNthCommandWith(2, ListConnectorsCommand, { connectorNamePrefix: 'orders', nextToken: 'page-2' });
      expect(kc).toHaveReceivedNthCommandWith(3, ListConnectorsCommand, { connectorNamePrefix: 'orders', nextToken: 'page-3' });
    });

    test('reads every page even after a match (a later page may hold the live duplicate)', async () => {
      kc.on(ListConnectorsCommand, { nextToken: undefined }).resolves({
        connectors: [{ connectorName: 'orders', connectorArn: ARN, connectorState: 'DELETING' }],
        nextToken: 'page-2',
      });
      kc.on(ListConnectorsCommand, { nextToken: 'page-2' }).resolves({
        connectors: [{ connectorName: 'orders', connectorArn: ARN_2, connectorState: 'CREATING' }],
      });
      await expect(api.findByName('orders')).resolves.toMatchObject({ arn: ARN_2, state: 'CREATING' });
      expect(kc).toHaveReceivedCommandTimes(ListConnectorsCommand, 2);
    });

    test('none found: empty list, missing list', async () => {
      kc.on(ListConnectorsCommand).resolvesOnce({ connectors: [] }).resolvesOnce({});
      await expect(api.findByName('orders')).resolves.toBeUndefined();
      await expect(api.findByName('orders')).resolves.toBeUndefined();
    });

    test('prefers a non-DELETING duplicate, whatever the order', async () => {
      kc.on(ListConnectorsCommand).resolves({
        connectors: [
          { connectorName: 'orders', connectorArn: ARN, connectorState: 'DELETING' },
          { connectorName: 'orders', connectorArn: ARN_2, connectorState: 'CREATING' },
        ],
      });
      await expect(api.findByName('orders')).resolves.toMatchObject({ arn: ARN_2, state: 'CREATING' });
    });

    test('returns the DELETING connector when it is the only one', async () => {
      kc.on(ListConnectorsCommand).resolves({ connectors: [{ connectorName: 'orders', connectorArn: ARN, connectorState: 'DELETING' }] });
      await expect(api.findByName('orders')).resolves.toMatchObject({ arn: ARN, state: 'DELETING' });
    });

    test('skips entries without an ARN and reports a missing state as UNKNOWN', async () => {
      kc.on(ListConnectorsCommand).resolves({
        connectors: [{ connectorName: 'orders', connectorState: 'RUNNING' }, { connectorName: 'orders', connectorArn: ARN }],
      });
      await expect(api.findByName('orders')).resolves.toEqual({ arn: ARN, state: 'UNKNOWN', currentVersion: undefined });
    });

    test('a ListConnectors error propagates', async () => {
      kc.on(ListConnectorsCommand).rejects(new BadRequestException({ message: 'bad', $metadata }));
      await expect(api.findByName('orders')).rejects.toBeInstanceOf(BadRequestException);
    });
  });

  describe('operationState', () => {
    test('returns the operation state', async () => {
      kc.on(DescribeConnectorOperationCommand).resolves({ connectorOperationState: 'RESTART_IN_PROGRESS' });
      await expect(api.operationState(OP_ARN)).resolves.toBe('RESTART_IN_PROGRESS');
      expect(kc).toHaveReceivedCommandWith(DescribeConnectorOperationCommand, { connectorOperationArn: OP_ARN });
    });

    test('NotFoundException -> undefined', async () => {
      kc.on(DescribeConnectorOperationCommand).rejects(new NotFoundException({ message: 'no such operation', $metadata }));
      await expect(api.operationState(OP_ARN)).resolves.toBeUndefined();
    });

    test('other errors propagate', async () => {
      kc.on(DescribeConnectorOperationCommand).rejects(new BadRequestException({ message: 'bad', $metadata }));
      await expect(api.operationState(OP_ARN)).rejects.toBeInstanceOf(BadRequestException);
    });
  });

  describe('restart', () => {
    test('returns the operation ARN', async () => {
      kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN, connectorArn: ARN });
      await expect(api.restart(ARN)).resolves.toBe(OP_ARN);
      expect(kc).toHaveReceivedCommandTimes(RestartConnectorCommand, 1);
      expect(kc).toHaveReceivedCommandWith(RestartConnectorCommand, { connectorArn: ARN });
    });

    test('never restarts only the failed tasks (needs Kafka Connect 3.7+)', async () => {
      kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN });
      await api.restart(ARN);
      expect(kc.commandCalls(RestartConnectorCommand)[0].args[0].input).toEqual({ connectorArn: ARN });
    });

    test('errors propagate', async () => {
      kc.on(RestartConnectorCommand).rejects(new BadRequestException({ message: 'connector not RUNNING', $metadata }));
      await expect(api.restart(ARN)).rejects.toThrow('connector not RUNNING');
    });
  });

  describe('delete', () => {
    test('sends the ARN and current version', async () => {
      kc.on(DeleteConnectorCommand).resolves({ connectorArn: ARN, connectorState: 'DELETING' });
      await expect(api.delete(ARN, 'V7')).resolves.toBeUndefined();
      expect(kc).toHaveReceivedCommandWith(DeleteConnectorCommand, { connectorArn: ARN, currentVersion: 'V7' });
    });

    test('swallows NotFoundException (already gone)', async () => {
      kc.on(DeleteConnectorCommand).rejects(new NotFoundException({ message: 'gone', $metadata }));
      await expect(api.delete(ARN)).resolves.toBeUndefined();
    });

    test('rethrows other errors', async () => {
      kc.on(DeleteConnectorCommand).rejects(new BadRequestException({ message: 'version mismatch', $metadata }));
      await expect(api.delete(ARN, 'V1')).rejects.toBeInstanceOf(BadRequestException);
      kc.on(DeleteConnectorCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata }));
      await expect(api.delete(ARN)).rejects.toBeInstanceOf(TooManyRequestsException);
    });
  });

  describe('create', () => {
    const request = { connectorName: 'orders', kafkaConnectVersion: '3.7.x', connectorConfiguration: { 'tasks.max': '1' } };

    test('sends the stored request as is', async () => {
      kc.on(CreateConnectorCommand).resolves({ connectorArn: ARN_2, connectorState: 'CREATING' });
      await expect(api.create(request)).resolves.toBeUndefined();
      expect(kc).toHaveReceivedCommandTimes(CreateConnectorCommand, 1);
      expect(kc.commandCalls(CreateConnectorCommand)[0].args[0].input).toEqual(request);
    });

    test('swallows ConflictException (an earlier run created it)', async () => {
      kc.on(CreateConnectorCommand).rejects(new ConflictException({ message: 'exists', $metadata }));
      await expect(api.create(request)).resolves.toBeUndefined();
    });

    test('rethrows other errors', async () => {
      kc.on(CreateConnectorCommand).rejects(new BadRequestException({ message: 'invalid subnet', $metadata }));
      await expect(api.create(request)).rejects.toThrow('invalid subnet');
    });

    test('an error that echoes the request leaves without the configuration\'s values, keeping its class, name and metadata', async () => {
      // GIVEN CreateConnector refuses the request, quoting the password it was sent
      const secret = { ...request, connectorConfiguration: { ...request.connectorConfiguration, 'database.password': 'hunter2-secret' } };
      const refused = new BadRequestException({
        message: 'Invalid connector configuration: {"database.password":"hunter2-secret","tasks.max":"1"}',
        $metadata: { httpStatusCode: 400, requestId: 'req-9', attempts: 1 },
      });
      kc.on(CreateConnectorCommand).rejects(refused);
      // WHEN the adapter creates
      const thrown = await api.create(secret).then(() => undefined, (e: unknown) => e as BadRequestException);
      // THEN what it throws names the keys, not the values, and is still the SDK's BadRequestException
      expect(thrown).toBeInstanceOf(BadRequestException);
      expect(thrown).toMatchObject({
        name: 'BadRequestException',
        message: 'Invalid connector configuration: {"database.password":"<value of database.password>","tasks.max":"<value of tasks.max>"}',
        $metadata: { httpStatusCode: 400, requestId: 'req-9', attempts: 1 },
      });
      expect(thrown!.stack).not.toContain('hunter2-secret');
    });
  });

  describe('describe and tags: the running connector, to compare with the stored request', () => {
    test('describe returns the DescribeConnector answer without the SDK metadata', async () => {
      kc.on(DescribeConnectorCommand).resolves({ connectorArn: ARN, connectorConfiguration: { 'database.password': 'x' }, kafkaConnectVersion: '3.7.x', $metadata });
      await expect(api.describe(ARN)).resolves.toEqual({ connectorArn: ARN, connectorConfiguration: { 'database.password': 'x' }, kafkaConnectVersion: '3.7.x' });
      expect(kc).toHaveReceivedCommandWith(DescribeConnectorCommand, { connectorArn: ARN });
    });

    test('tags returns the ListTagsForResource map, empty when the connector has none', async () => {
      kc.on(ListTagsForResourceCommand).resolvesOnce({ tags: { team: 'orders' } }).resolvesOnce({});
      await expect(api.tags(ARN)).resolves.toEqual({ team: 'orders' });
      await expect(api.tags(ARN)).resolves.toEqual({});
      expect(kc).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: ARN });
    });

    test('AccessDenied (a role without the permission) is undefined: the decision refuses the delete and names the permissions', async () => {
      const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
      kc.on(DescribeConnectorCommand).rejects(denied).on(ListTagsForResourceCommand).rejects(denied);
      await expect(api.describe(ARN)).resolves.toBeUndefined();
      await expect(api.tags(ARN)).resolves.toBeUndefined();
    });

    test('NotFound (deleted meanwhile) is undefined; other errors propagate', async () => {
      const notFound = new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } });
      kc.on(DescribeConnectorCommand).rejects(notFound).on(ListTagsForResourceCommand).rejectsOnce(notFound).rejectsOnce(new Error('boom'));
      await expect(api.describe(ARN)).resolves.toBeUndefined();
      await expect(api.tags(ARN)).resolves.toBeUndefined();
      await expect(api.tags(ARN)).rejects.toThrow('boom');
    });
  });

  describe('restart', () => {
    test('onlyFailedTasks is sent only when asked for', async () => {
      kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN });
      await api.restart(ARN, true);
      await api.restart(ARN);
      const inputs = kc.commandCalls(RestartConnectorCommand).map((c) => c.args[0].input);
      expect(inputs).toEqual([{ connectorArn: ARN, onlyFailedTasks: true }, { connectorArn: ARN }]);
    });
  });

  describe('workerProperties', () => {
    const text = 'key.converter=org.apache.kafka.connect.storage.StringConverter\noffset.storage.topic=orders-offsets\n';
    const encoded = Buffer.from(text, 'utf8').toString('base64');

    test('decodes the latest revision\'s base64 properties', async () => {
      kc.on(DescribeWorkerConfigurationCommand).resolves({ latestRevision: { revision: 3, propertiesFileContent: encoded } });
      await expect(api.workerProperties(WORKER_ARN, 3)).resolves.toBe(text);
      expect(kc).toHaveReceivedCommandWith(DescribeWorkerConfigurationCommand, { workerConfigurationArn: WORKER_ARN });
    });

    test('undefined when the revision is not the latest', async () => {
      kc.on(DescribeWorkerConfigurationCommand).resolves({ latestRevision: { revision: 4, propertiesFileContent: encoded } });
      await expect(api.workerProperties(WORKER_ARN, 3)).resolves.toBeUndefined();
    });

    test('undefined without a latest revision or without content', async () => {
      kc.on(DescribeWorkerConfigurationCommand).resolvesOnce({}).resolvesOnce({ latestRevision: { revision: 3 } });
      await expect(api.workerProperties(WORKER_ARN, 3)).resolves.toBeUndefined();
      await expect(api.workerProperties(WORKER_ARN, 3)).resolves.toBeUndefined();
    });

    test('undefined when the worker configuration does not exist (the delete is then refused, with the reason)', async () => {
      kc.on(DescribeWorkerConfigurationCommand).rejects(new NotFoundException({ message: 'no such worker configuration', $metadata }));
      await expect(api.workerProperties(WORKER_ARN, 3)).resolves.toBeUndefined();
    });

    test('other errors propagate', async () => {
      kc.on(DescribeWorkerConfigurationCommand).rejects(new Error('InternalServerError'));
      await expect(api.workerProperties(WORKER_ARN, 3)).rejects.toThrow('InternalServerError');
    });
  });
});

describe('S3ConfigSource', () => {
  let s3: AwsClientStub<S3Client>;
  beforeAll(() => {
    s3 = mockClient(S3Client);
  });
  const source = new S3ConfigSource(new S3Client({ region: 'eu-west-1' }), 'config-bucket', 'connectors/orders.json');
  beforeEach(() => s3.reset());
  afterAll(() => s3.restore());

  test('returns the body text of the configured bucket and key', async () => {
    const body = { transformToString: jest.fn(async () => '{"connectorName":"orders"}') };
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    await expect(source.read()).resolves.toBe('{"connectorName":"orders"}');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'config-bucket', Key: 'connectors/orders.json' });
    expect(body.transformToString).toHaveBeenCalledWith('utf8');
  });

  test('pins the bucket owner when given one: ExpectedBucketOwner on the read', async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => '{}' } as never });
    const pinned = new S3ConfigSource(new S3Client({ region: 'eu-west-1' }), 'config-bucket', 'connectors/orders.json', '111122223333');
    await expect(pinned.read()).resolves.toBe('{}');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'config-bucket', Key: 'connectors/orders.json', ExpectedBucketOwner: '111122223333' });
  });

  test('NoSuchKey -> undefined', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata }));
    await expect(source.read()).resolves.toBeUndefined();
  });

  test('no body -> undefined', async () => {
    s3.on(GetObjectCommand).resolves({});
    await expect(source.read()).resolves.toBeUndefined();
  });

  test('AccessDenied (what S3 answers for a missing key without s3:ListBucket) reads as unreadable', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    await expect(source.read()).resolves.toBeUndefined();
  });

  test('other S3 errors propagate', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', message: 'We encountered an internal error', $metadata: { httpStatusCode: 500 } }));
    await expect(source.read()).rejects.toThrow('We encountered an internal error');
  });
});

describe('MetricOffsetCommitCounter', () => {
  test('adds up the per-minute sums of the guard\'s offset-commit metric (none published: 0)', async () => {
    const cw = mockClient(CloudWatchClient);
    try {
      const counter = new MetricOffsetCommitCounter(new CloudWatchClient({ region: 'eu-west-1' }), 'orders');
      cw.on(GetMetricStatisticsCommand).resolvesOnce({ Datapoints: [{ Sum: 2 }, { Sum: 3 }, {}] }).resolvesOnce({});
      await expect(counter.count(0, 900_000)).resolves.toBe(5);
      await expect(counter.count(0, 900_000)).resolves.toBe(0);
      expect(cw).toHaveReceivedCommandWith(GetMetricStatisticsCommand, {
        Namespace: 'DebeziumGuard/OffsetCommits', MetricName: 'orders', StartTime: new Date(0), EndTime: new Date(900_000), Period: 60, Statistics: ['Sum'],
      });
    } finally {
      cw.restore();
    }
  });
});

describe('EventBridgeRuleReader', () => {
  const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:orders-guard-recovery';
  let eb: AwsClientStub<EventBridgeClient>;
  beforeAll(() => {
    eb = mockClient(EventBridgeClient);
  });
  beforeEach(() => eb.reset());
  afterAll(() => eb.restore());
  const reader = new EventBridgeRuleReader(new EventBridgeClient({ region: 'eu-west-1' }), FUNCTION_ARN);

  test('the function\'s own ARN drops the version or alias it was invoked with', () => {
    expect(unqualifiedFunctionArn(`${FUNCTION_ARN}:live`)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn(`${FUNCTION_ARN}:7`)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn(FUNCTION_ARN)).toBe(FUNCTION_ARN);
  });

  test('lists the rules that target the function (every page), describes each, and keeps its targets that invoke the function', async () => {
    eb.on(ListRuleNamesByTargetCommand, { NextToken: undefined }).resolves({ RuleNames: ['alarm-rule'], NextToken: 'p2' });
    eb.on(ListRuleNamesByTargetCommand, { NextToken: 'p2' }).resolves({ RuleNames: ['tick-rule'] });
    eb.on(DescribeRuleCommand, { Name: 'alarm-rule' }).resolves({ Name: 'alarm-rule', State: 'ENABLED', EventPattern: '{"source":["aws.cloudwatch"]}' });
    eb.on(DescribeRuleCommand, { Name: 'tick-rule' }).resolves({ Name: 'tick-rule', State: 'DISABLED', ScheduleExpression: 'rate(1 minute)' });
    eb.on(ListTargetsByRuleCommand, { Rule: 'alarm-rule', NextToken: undefined }).resolves({
      Targets: [{ Id: 'other', Arn: 'arn:aws:sns:eu-west-1:111122223333:elsewhere' }], NextToken: 't2',
    });
    eb.on(ListTargetsByRuleCommand, { Rule: 'alarm-rule', NextToken: 't2' }).resolves({ Targets: [{ Id: 'fn', Arn: FUNCTION_ARN }] });
    eb.on(ListTargetsByRuleCommand, { Rule: 'tick-rule' }).resolves({
      Targets: [
        { Id: 'fn', Arn: FUNCTION_ARN, Input: '{"trigger":"tick"}' },
        { Id: 'reshaped', Arn: FUNCTION_ARN, InputPath: '$.detail' },
      ],
    });
    await expect(reader.targets()).resolves.toEqual([
      { rule: 'alarm-rule', enabled: true, eventPattern: '{"source":["aws.cloudwatch"]}', transformsInput: false },
      { rule: 'tick-rule', enabled: false, scheduleExpression: 'rate(1 minute)', input: '{"trigger":"tick"}', transformsInput: false },
      { rule: 'tick-rule', enabled: false, scheduleExpression: 'rate(1 minute)', transformsInput: true },
    ]);
    expect(eb).toHaveReceivedCommandWith(ListRuleNamesByTargetCommand, { TargetArn: FUNCTION_ARN });
    expect(eb).toHaveReceivedCommandTimes(ListRuleNamesByTargetCommand, 2);
    expect(eb).toHaveReceivedCommandTimes(DescribeRuleCommand, 2);
    expect(eb).toHaveReceivedCommandTimes(ListTargetsByRuleCommand, 3);
  });

  test('a rule enabled with CloudTrail management events is enabled; one deleted since it was listed is left out', async () => {
    eb.on(ListRuleNamesByTargetCommand).resolves({ RuleNames: ['gone', 'tick'] });
    eb.on(DescribeRuleCommand, { Name: 'gone' }).rejects(new RuleNotFound({ message: 'Rule gone does not exist on EventBus default.', $metadata }));
    eb.on(DescribeRuleCommand, { Name: 'tick' }).resolves({ Name: 'tick', State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', ScheduleExpression: 'rate(1 minute)' });
    eb.on(ListTargetsByRuleCommand, { Rule: 'tick' }).resolves({ Targets: [{ Id: 'fn', Arn: FUNCTION_ARN, Input: '{"trigger":"tick"}' }] });
    await expect(reader.targets()).resolves.toEqual([
      { rule: 'tick', enabled: true, scheduleExpression: 'rate(1 minute)', input: '{"trigger":"tick"}', transformsInput: false },
    ]);
  });

  test('no rule targets the function: none, and nothing more is read', async () => {
    eb.on(ListRuleNamesByTargetCommand).resolves({ RuleNames: [] });
    await expect(reader.targets()).resolves.toEqual([]);
    expect(eb).toHaveReceivedCommandTimes(DescribeRuleCommand, 0);
  });

  test('an error (a role without the statement) is thrown for the drill to report', async () => {
    eb.on(ListRuleNamesByTargetCommand).rejects(Object.assign(new Error('not authorized to perform: events:ListRuleNamesByTarget'), { name: 'AccessDeniedException' }));
    await expect(reader.targets()).rejects.toThrow(/events:ListRuleNamesByTarget/);
  });
});

describe('CompositeAlarmReader', () => {
  let cw: AwsClientStub<CloudWatchClient>;
  beforeAll(() => {
    cw = mockClient(CloudWatchClient);
  });
  const reader = new CompositeAlarmReader(new CloudWatchClient({ region: 'eu-west-1' }), 'orders-guard');
  beforeEach(() => cw.reset());
  afterAll(() => cw.restore());

  test('reads the composite alarm\'s state and actions switch', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: 'orders-guard', StateValue: 'ALARM', ActionsEnabled: true }] });
    await expect(reader.read()).resolves.toEqual({ state: 'ALARM', actionsEnabled: true });
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['orders-guard'], AlarmTypes: ['CompositeAlarm'] });
  });

  test('disabled actions are reported (the maintenance switch)', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ StateValue: 'ALARM', ActionsEnabled: false }] });
    await expect(reader.read()).resolves.toEqual({ state: 'ALARM', actionsEnabled: false });
  });

  test('missing alarm -> INSUFFICIENT_DATA with actions disabled', async () => {
    cw.on(DescribeAlarmsCommand).resolvesOnce({ CompositeAlarms: [] }).resolvesOnce({});
    await expect(reader.read()).resolves.toEqual({ state: 'INSUFFICIENT_DATA', actionsEnabled: false, missing: true });
    await expect(reader.read()).resolves.toEqual({ state: 'INSUFFICIENT_DATA', actionsEnabled: false, missing: true });
  });

  test('missing fields default to INSUFFICIENT_DATA and disabled', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: 'orders-guard' }] });
    await expect(reader.read()).resolves.toEqual({ state: 'INSUFFICIENT_DATA', actionsEnabled: false });
  });

  test('the child alarms that triggered the state, from StateReasonData', async () => {
    const reasonData = JSON.stringify({
      triggeringAlarms: [{ arn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-debezium-guard-errored-tasks', state: { value: 'ALARM' } }],
    });
    cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ StateValue: 'ALARM', ActionsEnabled: true, StateReasonData: reasonData }] });
    await expect(reader.read()).resolves.toEqual({ state: 'ALARM', actionsEnabled: true, triggeredBy: ['orders-debezium-guard-errored-tasks'] });
  });
});

describe('triggeringAlarms', () => {
  test.each([
    { data: undefined, names: undefined },
    { data: 'not json', names: undefined },
    { data: '{}', names: undefined },
    { data: '{"triggeringAlarms":[{"arn":"not-an-alarm-arn"},{"state":{}}]}', names: undefined },
    { data: '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:r:1:alarm:a:b"},{"arn":"arn:aws:cloudwatch:r:1:alarm:c"}]}', names: ['a:b', 'c'] },
  ])('$data -> $names', ({ data, names }) => {
    expect(triggeringAlarms(data)).toEqual(names);
  });
});

describe('SnsNotifier', () => {
  let sns: AwsClientStub<SNSClient>;
  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  const topic = 'arn:aws:sns:eu-west-1:111122223333:orders-guard';
  const notifier = new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), topic);
  beforeEach(() => sns.reset());
  afterAll(() => sns.restore());

  test('publishes Subject and Message to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await expect(notifier.publish('[INFO] orders: connector recovered', 'body text')).resolves.toBeUndefined();
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: topic, Subject: '[INFO] orders: connector recovered', Message: 'body text' });
  });

  test('errors propagate (the reconciler decides what a lost notice means)', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    await expect(notifier.publish('s', 'm')).rejects.toThrow('AuthorizationError');
  });
});

describe('DynamoStateStore', () => {
  let ddb: AwsClientStub<DynamoDBClient>;
  beforeAll(() => {
    ddb = mockClient(DynamoDBClient);
  });
  const store = new DynamoStateStore(new DynamoDBClient({ region: 'eu-west-1' }), 'guard-state', 'orders');
  const NOW = 1_700_000_000_000;
  const LEASE = 180_000;
  const stored: RecoveryRecord = { phase: 'DELETING', phaseSince: NOW - 60_000, connectorArn: ARN, attempts: [NOW - 60_000] };
  const item = (version: number, leaseOwner: string, leaseUntil: number, record: RecoveryRecord = stored) => ({
    pk: { S: 'orders' },
    version: { N: String(version) },
    record: { S: JSON.stringify(record) },
    leaseOwner: { S: leaseOwner },
    leaseUntil: { N: String(leaseUntil) },
  });
  const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata });
  beforeEach(() => ddb.reset());
  afterAll(() => ddb.restore());

  describe('acquire', () => {
    test('first acquire: consistent read, then a put conditioned on attribute_not_exists', async () => {
      ddb.on(GetItemCommand).resolves({});
      ddb.on(PutItemCommand).resolves({});
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toEqual({ record: INITIAL_RECORD, version: 1 });
      expect(ddb).toHaveReceivedCommandWith(GetItemCommand, { TableName: 'guard-state', Key: { pk: { S: 'orders' } }, ConsistentRead: true });
      expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 1);
      const put = ddb.commandCalls(PutItemCommand)[0].args[0].input;
      expect(put).toEqual({
        TableName: 'guard-state',
        Item: {
          pk: { S: 'orders' },
          version: { N: '1' },
          record: { S: JSON.stringify(INITIAL_RECORD) },
          leaseOwner: { S: 'run-1' },
          leaseUntil: { N: String(NOW + LEASE) },
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: undefined,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });

    test('later acquire: the stored record, and a put conditioned on the version read', async () => {
      ddb.on(GetItemCommand).resolves({ Item: item(4, 'run-0', 0) });
      ddb.on(PutItemCommand).resolves({});
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toEqual({ record: stored, version: 5 });
      expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
        Item: expect.objectContaining({ version: { N: '5' }, record: { S: JSON.stringify(stored) }, leaseOwner: { S: 'run-1' }, leaseUntil: { N: String(NOW + LEASE) } }),
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': { N: '4' } },
      });
    });

    test('lease held by another owner and unexpired -> undefined, nothing written', async () => {
      ddb.on(GetItemCommand).resolves({ Item: item(4, 'run-0', NOW + 1) });
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toBeUndefined();
      expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
    });

    test('expired lease of another owner is taken (expiry is exclusive: leaseUntil === now is expired)', async () => {
      ddb.on(GetItemCommand).resolvesOnce({ Item: item(4, 'run-0', NOW - 1) }).resolvesOnce({ Item: item(4, 'run-0', NOW) });
      ddb.on(PutItemCommand).resolves({});
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toMatchObject({ version: 5 });
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toMatchObject({ version: 5 });
      expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 2);
    });

    test('a released lease (leaseUntil 0) is taken', async () => {
      ddb.on(GetItemCommand).resolves({ Item: item(9, 'run-0', 0) });
      ddb.on(PutItemCommand).resolves({});
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toMatchObject({ version: 10 });
    });

    test('the same owner re-acquires its own unexpired lease (an async retry keeps the request ID)', async () => {
      ddb.on(GetItemCommand).resolves({ Item: item(4, 'run-1', NOW + 60_000) });
      ddb.on(PutItemCommand).resolves({});
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toEqual({ record: stored, version: 5 });
    });

    test('ConditionalCheckFailedException (lost the race) -> undefined', async () => {
      ddb.on(GetItemCommand).resolves({});
      ddb.on(PutItemCommand).rejects(conditionFailed());
      await expect(store.acquire('run-1', NOW, LEASE)).resolves.toBeUndefined();
    });

    test('other put errors and read errors propagate', async () => {
      ddb.on(GetItemCommand).resolves({});
      ddb.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
      await expect(store.acquire('run-1', NOW, LEASE)).rejects.toThrow('ProvisionedThroughputExceeded');
      ddb.on(GetItemCommand).rejects(new Error('ResourceNotFoundException: no table'));
      await expect(store.acquire('run-1', NOW, LEASE)).rejects.toThrow('no table');
    });
  });

  describe('save', () => {
    const next: RecoveryRecord = { ...stored, phase: 'CREATING' };

    test('keeps the lease: version check, leaseUntil now + lease', async () => {
      ddb.on(PutItemCommand).resolves({});
      await expect(store.save(next, 5, 'run-1', NOW, LEASE, false)).resolves.toEqual({ record: next, version: 6 });
      expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
        TableName: 'guard-state',
        Item: { pk: { S: 'orders' }, version: { N: '6' }, record: { S: JSON.stringify(next) }, leaseOwner: { S: 'run-1' }, leaseUntil: { N: String(NOW + LEASE) } },
        ConditionExpression: '#v = :v',
        ExpressionAttributeValues: { ':v': { N: '5' } },
      });
    });

    test('release: leaseUntil 0', async () => {
      ddb.on(PutItemCommand).resolves({});
      await store.save(next, 5, 'run-1', NOW, LEASE, true);
      expect(ddb).toHaveReceivedCommandWith(PutItemCommand, { Item: expect.objectContaining({ leaseUntil: { N: '0' } }) });
    });

    test('ConditionalCheckFailedException -> LeaseLostError', async () => {
      ddb.on(PutItemCommand).rejects(conditionFailed());
      const error = await store.save(next, 5, 'run-1', NOW, LEASE, false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseLostError);
      expect(error).toMatchObject({ name: 'LeaseLostError', message: 'another run took over the recovery record; stopping this run' });
    });

    test('a retry of this very write (its first answer was lost) is this write: success, not LeaseLostError', async () => {
      // GIVEN DynamoDB holds exactly what this run wrote (same version, owner, record, lease)
      const ours = { pk: { S: 'orders' }, version: { N: '6' }, record: { S: JSON.stringify(next) }, leaseOwner: { S: 'run-1' }, leaseUntil: { N: String(NOW + LEASE) } };
      ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: ours }));
      // THEN the save counts, and asked DynamoDB for the item that failed the check
      await expect(store.save(next, 5, 'run-1', NOW, LEASE, false)).resolves.toEqual({ record: next, version: 6 });
      expect(ddb).toHaveReceivedCommandWith(PutItemCommand, { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    });

    test.each([
      { case: 'another run\'s write', change: { leaseOwner: { S: 'run-2' } } },
      { case: 'another record at the same version', change: { record: { S: JSON.stringify(stored) } } },
      { case: 'a later version', change: { version: { N: '7' } } },
    ])('a failed check against $case is still LeaseLostError', async ({ change }) => {
      const other = { pk: { S: 'orders' }, version: { N: '6' }, record: { S: JSON.stringify(next) }, leaseOwner: { S: 'run-1' }, leaseUntil: { N: String(NOW + LEASE) }, ...change };
      ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: other }));
      await expect(store.save(next, 5, 'run-1', NOW, LEASE, false)).rejects.toBeInstanceOf(LeaseLostError);
    });

    test('other errors propagate unchanged', async () => {
      ddb.on(PutItemCommand).rejects(new Error('InternalServerError'));
      await expect(store.save(next, 5, 'run-1', NOW, LEASE, true)).rejects.toThrow('InternalServerError');
    });
  });
});

/**
 * Throttling. aws-sdk-client-mock replaces `Client#send`, so a mocked rejection never reaches the
 * retry middleware: the first test pins that down, and the others therefore use the real clients of
 * `createClients()` with only the HTTP transport replaced, so serialisation, error deserialisation
 * and the SDK's standard retry strategy (maxAttempts 6) all run for real.
 */
describe('createClients and SDK retries', () => {
  const savedEnv = { ...process.env };
  beforeEach(() => {
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_')) {
        delete process.env[key];
      }
    }
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
  });
  afterEach(() => {
    jest.useRealTimers();
    for (const key of Object.keys(process.env)) {
      if (!(key in savedEnv)) {
        delete process.env[key];
      }
    }
    Object.assign(process.env, savedEnv);
  });

  test('every client is created with maxAttempts 6', async () => {
    const clients = createClients({});
    for (const client of [clients.kafkaConnect, clients.s3, clients.sns, clients.cloudWatch, clients.dynamoDb]) {
      await expect(client.config.maxAttempts()).resolves.toBe(6);
    }
  });

  test('S3 uses path-style addressing only with a custom endpoint', () => {
    expect(createClients({}).s3.config.forcePathStyle).toBe(false);
    expect(createClients({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' }).s3.config.forcePathStyle).toBe(true);
    expect(createClients({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).s3.config.forcePathStyle).toBe(true);
  });

  test('aws-sdk-client-mock bypasses the retry middleware: a mocked throttle reaches the caller', async () => {
    const kc = mockClient(KafkaConnectClient);
    try {
      kc.on(RestartConnectorCommand)
        .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata }))
        .resolves({ connectorOperationArn: OP_ARN });
      const api = new MskConnectApi(createClients({}).kafkaConnect);
      await expect(api.restart(ARN)).rejects.toBeInstanceOf(TooManyRequestsException);
      await expect(api.restart(ARN)).resolves.toBe(OP_ARN);
      expect(kc).toHaveReceivedCommandTimes(RestartConnectorCommand, 2);
    } finally {
      kc.restore();
    }
  });

  interface Reply { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  /** Replaces the client's HTTP handler with a script of replies; the last reply repeats. */
  function script(client: { config: unknown }, replies: Reply[]): { requests: Array<{ method: string; path: string; body: string }> } {
    const requests: Array<{ method: string; path: string; body: string }> = [];
    (client.config as { requestHandler: unknown }).requestHandler = {
      handle: async (request: { method: string; path: string; body?: unknown }) => {
        requests.push({ method: request.method, path: request.path, body: bodyText(request.body) });
        const reply = replies[Math.min(requests.length, replies.length) - 1];
        return {
          response: {
            statusCode: reply.status,
            headers: { 'content-type': 'application/json', ...reply.headers },
            body: Readable.from([Buffer.from(reply.body ?? '{}')]),
          },
        };
      },
    };
    return { requests };
  }
  function bodyText(body: unknown): string {
    if (typeof body === 'string') {
      return body;
    }
    return body instanceof Uint8Array ? new TextDecoder().decode(body) : '';
  }
  /** Runs `promise` to completion under fake timers, firing the SDK's backoff timers instead of waiting. */
  async function underFakeTimers<T>(start: () => Promise<T>): Promise<T> {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const promise = start();
    let settled = false;
    promise.then(() => { settled = true; }, () => { settled = true; });
    for (let i = 0; !settled && i < 1000; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await jest.advanceTimersByTimeAsync(1000);
    }
    return promise;
  }
  const throttled: Reply = { status: 429, headers: { 'x-amzn-errortype': 'TooManyRequestsException' }, body: '{"message":"Rate exceeded"}' };
  const unavailable: Reply = { status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailableException' }, body: '{"message":"try later"}' };

  test('a throttled RestartConnector is retried and succeeds', async () => {
    const { kafkaConnect } = createClients({});
    const ok: Reply = { status: 200, body: JSON.stringify({ connectorArn: ARN, connectorOperationArn: OP_ARN }) };
    const { requests } = script(kafkaConnect, [throttled, ok]);
    await expect(underFakeTimers(() => new MskConnectApi(kafkaConnect).restart(ARN))).resolves.toBe(OP_ARN);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ method: 'POST', path: `/v1/connectors/${encodeURIComponent(ARN)}/restart` });
  });

  test('5xx is retried up to the sixth attempt', async () => {
    const { kafkaConnect } = createClients({});
    const page = { connectors: [{ connectorName: 'orders', connectorArn: ARN, connectorState: 'RUNNING' }] };
    const { requests } = script(kafkaConnect, [...Array(5).fill(unavailable), { status: 200, body: JSON.stringify(page) }]);
    await expect(underFakeTimers(() => new MskConnectApi(kafkaConnect).findByName('orders'))).resolves.toMatchObject({ arn: ARN });
    expect(requests).toHaveLength(6);
  });

  test('after six throttled attempts the error reaches the caller', async () => {
    const { kafkaConnect } = createClients({});
    const { requests } = script(kafkaConnect, [throttled]);
    const error = await underFakeTimers(() => new MskConnectApi(kafkaConnect).delete(ARN, 'V1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect((error as TooManyRequestsException).$metadata.attempts).toBe(6);
    expect(requests).toHaveLength(6);
  });

  test('real error deserialisation meets the adapter\'s instanceof checks, without retries', async () => {
    const { kafkaConnect, dynamoDb } = createClients({});
    const notFound = script(kafkaConnect, [{ status: 404, headers: { 'x-amzn-errortype': 'NotFoundException' }, body: '{"message":"gone"}' }]);
    await expect(underFakeTimers(() => new MskConnectApi(kafkaConnect).delete(ARN))).resolves.toBeUndefined();
    await expect(underFakeTimers(() => new MskConnectApi(kafkaConnect).operationState(OP_ARN))).resolves.toBeUndefined();
    expect(notFound.requests).toHaveLength(2);

    const conflict = script(kafkaConnect, [{ status: 409, headers: { 'x-amzn-errortype': 'ConflictException' }, body: '{"message":"exists"}' }]);
    await expect(underFakeTimers(() => new MskConnectApi(kafkaConnect).create({ connectorName: 'orders' }))).resolves.toBeUndefined();
    expect(conflict.requests).toHaveLength(1);
    expect(JSON.parse(conflict.requests[0].body)).toEqual({ connectorName: 'orders' });

    const dynamo = script(dynamoDb, [{
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }),
    }]);
    const store = new DynamoStateStore(dynamoDb, 'guard-state', 'orders');
    await expect(underFakeTimers(() => store.save(INITIAL_RECORD, 1, 'run-1', 0, 1000, true))).rejects.toBeInstanceOf(LeaseLostError);
    expect(dynamo.requests).toHaveLength(1);
  });

  test('S3: real NoSuchKey and AccessDenied answers read as undefined, a body reads as text', async () => {
    const { s3 } = createClients({});
    const source = new S3ConfigSource(s3, 'config-bucket', 'connectors/orders.json');
    const xmlError = (code: string, message: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId></Error>`;
    const xml = { 'content-type': 'application/xml' };
    script(s3, [{ status: 404, headers: xml, body: xmlError('NoSuchKey', 'The specified key does not exist.') }]);
    await expect(underFakeTimers(() => source.read())).resolves.toBeUndefined();
    script(s3, [{ status: 403, headers: xml, body: xmlError('AccessDenied', 'Access Denied') }]);
    await expect(underFakeTimers(() => source.read())).resolves.toBeUndefined();
    const ok = script(s3, [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"connectorName":"orders"}' }]);
    await expect(underFakeTimers(() => source.read())).resolves.toBe('{"connectorName":"orders"}');
    expect(ok.requests[0]).toMatchObject({ method: 'GET', path: '/connectors/orders.json' });
  });
});
