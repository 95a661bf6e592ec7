/**
 * The recovery function as Lambda runs it: `createHandler` with the real adapter over SDK clients
 * whose `send` is mocked with aws-sdk-client-mock. DynamoDB is a small stateful fake (GetItem /
 * conditional PutItem) so that several invocations can follow one incident.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue, type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  CreateConnectorCommand, DeleteConnectorCommand, DescribeConnectorOperationCommand, DescribeConnectorCommand, DescribeWorkerConfigurationCommand,
  ListTagsForResourceCommand, KafkaConnectClient,
  ListConnectorsCommand, NotFoundException, RestartConnectorCommand,
} from '@aws-sdk/client-kafkaconnect';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { BOOTSTRAP_SERVERS, createConnectorRequest } from './fixtures';
import { ENV } from '../../src/recovery/constants';
import type { RecoveryRecord } from '../../src/recovery/model';
import { createHandler, handler as lambdaHandler } from '../../src/recovery/recovery.lambda';

const NAME = 'orders';
const ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders/11111111-aaaa';
const OP_ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector-operation/orders/11111111-aaaa/op-1';
const ROLE = 'arn:aws:iam::111122223333:role/orders-connector';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:orders-guard';
const WORKER_ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/offsets/wc-1';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MIN = 60_000;

const GUARD_ENV: Record<string, string> = {
  [ENV.CONNECTOR_NAME]: NAME,
  [ENV.CONFIG_BUCKET]: 'config-bucket',
  [ENV.CONFIG_KEY]: 'connectors/orders.json',
  [ENV.CONFIG_BUCKET_OWNER]: '111122223333',
  [ENV.SERVICE_EXECUTION_ROLE_ARN]: ROLE,
  [ENV.TOPIC_ARN]: TOPIC,
  [ENV.STATE_TABLE]: 'guard-state',
  [ENV.ALARM_NAME]: 'orders-guard',
  [ENV.STRATEGY]: 'RESTART_THEN_RECREATE',
  [ENV.ALLOW_OFFSET_RESET]: 'false',
  [ENV.COOLDOWN_SECONDS]: '300',
  [ENV.BUDGET]: '3',
  [ENV.BUDGET_WINDOW_SECONDS]: '21600',
  [ENV.VERIFY_SECONDS]: '300',
  [ENV.OPERATION_TIMEOUT_SECONDS]: '1800',
};
/** Keeps Powertools quiet; the metrics test turns metrics back on. */
const QUIET_ENV: Record<string, string> = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'eu-west-1',
  // test/setup.ts sets it for every test; this file clears AWS_* between tests, so it sets it again.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const REQUEST = createConnectorRequest({ name: NAME, roleArn: ROLE, workerConfigurationArn: WORKER_ARN });

const ALARM_EVENT = {
  'version': '0',
  'id': 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  'source': 'aws.cloudwatch',
  'account': '111122223333',
  'time': '2025-01-01T12:00:00Z',
  'region': 'eu-west-1',
  'resources': ['arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-guard'],
  'detail': { alarmName: 'orders-guard', state: { value: 'ALARM' }, previousState: { value: 'OK' } },
};

let kc: AwsClientStub<KafkaConnectClient>;
let s3: AwsClientStub<S3Client>;
let sns: AwsClientStub<SNSClient>;
let cw: AwsClientStub<CloudWatchClient>;
let ddb: AwsClientStub<DynamoDBClient>;
const savedEnv = { ...process.env };
/** The DynamoDB table: pk -> item. */
let table: Map<string, Record<string, AttributeValue>>;
/** Every AWS call in order, as `Service.Operation`. */
let journal: string[];
let now: number;
const clock = { now: () => now };

beforeAll(() => {
  kc = mockClient(KafkaConnectClient);
  s3 = mockClient(S3Client);
  sns = mockClient(SNSClient);
  cw = mockClient(CloudWatchClient);
  ddb = mockClient(DynamoDBClient);
});
afterAll(() => {
  for (const stub of [kc, s3, sns, cw, ddb]) {
    stub.restore();
  }
});

beforeEach(() => {
  for (const stub of [kc, s3, sns, cw, ddb]) {
    stub.reset();
  }
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('GUARD_') || key.startsWith('POWERTOOLS_') || key.startsWith('AWS_')) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, QUIET_ENV, GUARD_ENV);
  table = new Map();
  journal = [];
  now = T0;

  ddb.on(GetItemCommand).callsFake(async (input) => {
    journal.push('DynamoDB.GetItem');
    const item = table.get(input.Key.pk.S);
    return item ? { Item: item } : {};
  });
  ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
    journal.push('DynamoDB.PutItem');
    const current = table.get(input.Item!.pk.S!);
    const ok = input.ConditionExpression === 'attribute_not_exists(#pk)'
      ? current === undefined
      : input.ConditionExpression === '#v = :v' && current?.version.N === input.ExpressionAttributeValues?.[':v'].N;
    if (!ok) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    table.set(input.Item!.pk.S!, input.Item!);
    return {};
  });
  world({ connectorState: 'RUNNING', alarm: 'ALARM' });
});

afterEach(() => {
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnv)) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, savedEnv);
  jest.restoreAllMocks();
});

/** What ListConnectors and DescribeAlarms answer (re-stubbed per call). */
function world(w: { connectorState?: string; alarm: string; actionsEnabled?: boolean; arn?: string }): void {
  kc.on(ListConnectorsCommand).callsFake(async () => {
    journal.push('KafkaConnect.ListConnectors');
    return {
      connectors: [
        { connectorName: 'orders-v2', connectorArn: 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders-v2/x', connectorState: 'FAILED' },
        ...(w.connectorState ? [{
          connectorName: NAME,
          connectorArn: w.arn ?? ARN,
          connectorState: w.connectorState,
          currentVersion: 'V1',
          workerConfiguration: { workerConfigurationArn: WORKER_ARN, revision: 2 },
          kafkaCluster: { apacheKafkaCluster: { bootstrapServers: BOOTSTRAP_SERVERS } },
        }] : []),
      ],
    };
  });
  cw.on(DescribeAlarmsCommand).callsFake(async () => {
    journal.push('CloudWatch.DescribeAlarms');
    return { CompositeAlarms: [{ AlarmName: 'orders-guard', StateValue: w.alarm, ActionsEnabled: w.actionsEnabled ?? true }] };
  });
}

function journaled<T>(name: string, result: T): () => Promise<T> {
  return async () => {
    journal.push(name);
    return result;
  };
}

function storedItem(): { record: RecoveryRecord; version: number; leaseOwner: string; leaseUntil: number } | undefined {
  const item = table.get(NAME);
  return item && {
    record: JSON.parse(item.record.S!),
    version: Number(item.version.N),
    leaseOwner: item.leaseOwner.S!,
    leaseUntil: Number(item.leaseUntil.N),
  };
}

function store(record: RecoveryRecord, lease: { owner: string; until: number } = { owner: 'earlier', until: 0 }): void {
  table.set(NAME, {
    pk: { S: NAME }, version: { N: '5' }, record: { S: JSON.stringify(record) }, leaseOwner: { S: lease.owner }, leaseUntil: { N: String(lease.until) },
  });
}

function putRecords(): RecoveryRecord[] {
  return ddb.commandCalls(PutItemCommand).map((c) => JSON.parse(c.args[0].input.Item!.record.S!));
}

function expectNoAwsCall(): void {
  for (const stub of [kc, s3, sns, cw, ddb]) {
    expect(stub.calls()).toHaveLength(0);
  }
}

const context = (awsRequestId: string) => ({ awsRequestId });

describe('events the function does not handle', () => {
  const REFUSED = 'unrecognised event; the recovery function accepts an EventBridge "CloudWatch Alarm State Change" event, '
    + '{"trigger":"tick"}, {"trigger":"scheduled-restart"}, {"action":"recover"}, {"action":"reset"}, {"action":"status"} or {"action":"drill"}';

  test.each([
    ['null', null],
    ['a string', 'tick'],
    ['an empty object', {}],
    ['an unknown trigger', { trigger: 'hourly' }],
    ['an unknown action', { action: 'delete' }],
    ['another EventBridge event', { 'detail-type': 'EC2 Instance State-change Notification', 'source': 'aws.ec2' }],
  ])('%s -> an error naming the accepted events, without any AWS call', async (_, event) => {
    await expect(createHandler({ clock })(event, context('r-1'))).rejects.toThrow(new Error(REFUSED));
    expectNoAwsCall();
  });

  test('even when the environment is incomplete', async () => {
    await expect(createHandler({ clock, env: {} })({ hello: 'world' })).rejects.toThrow(new Error(REFUSED));
    expectNoAwsCall();
  });

  test('the exported Lambda handler refuses them too, logging the payload\'s shape, never its values', async () => {
    // Its logger was built at import, before this file set POWERTOOLS_LOG_LEVEL: capture its output.
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        lines.push(String(chunk));
        return true;
      });
    }
    await expect(lambdaHandler({ action: 'delete', password: 'hunter2' })).rejects.toThrow(REFUSED);
    expectNoAwsCall();
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'refusing an event the guard does not handle', event: { type: 'object', keys: ['action', 'password'] } }),
    ]);
    expect(lines.join('')).not.toContain('hunter2');
  });
});

describe('configuration from the environment', () => {
  test('nothing set: one error naming every missing variable, and no AWS call', async () => {
    for (const name of Object.keys(GUARD_ENV)) {
      delete process.env[name];
    }
    await expect(createHandler({ clock })({ trigger: 'tick' })).rejects.toThrow(new Error(
      'recovery function misconfigured: '
      + 'GUARD_STRATEGY is not set; GUARD_BUDGET is not set; GUARD_BUDGET must be a positive integer, got undefined; '
      + 'GUARD_CONNECTOR_NAME is not set; GUARD_COOLDOWN_SECONDS is not set; GUARD_BUDGET_WINDOW_SECONDS is not set; '
      + 'GUARD_VERIFY_SECONDS is not set; GUARD_OPERATION_TIMEOUT_SECONDS is not set; GUARD_CONFIG_BUCKET is not set; '
      + 'GUARD_CONFIG_KEY is not set; GUARD_CONFIG_BUCKET_OWNER is not set; GUARD_SERVICE_EXECUTION_ROLE_ARN is not set; GUARD_TOPIC_ARN is not set; '
      + 'GUARD_STATE_TABLE is not set; GUARD_ALARM_NAME is not set',
    ));
    expectNoAwsCall();
  });

  test('some missing, some malformed: exactly those are named', async () => {
    delete process.env[ENV.TOPIC_ARN];
    process.env[ENV.STATE_TABLE] = '';
    process.env[ENV.COOLDOWN_SECONDS] = 'five minutes';
    process.env[ENV.STRATEGY] = 'YOLO';
    await expect(createHandler({ clock })({ action: 'status' })).rejects.toThrow(new Error(
      'recovery function misconfigured: '
      + 'GUARD_STRATEGY must be one of RESTART_THEN_RECREATE, RESTART_ONLY, RECREATE, NOTIFY_ONLY, got "YOLO"; '
      + 'GUARD_COOLDOWN_SECONDS must be a non-negative number, got "five minutes"; '
      + 'GUARD_TOPIC_ARN is not set; GUARD_STATE_TABLE is not set',
    ));
    expectNoAwsCall();
  });

  test('an explicit env override is used instead of process.env', async () => {
    const handle = createHandler({ clock, env: { ...GUARD_ENV, [ENV.STATE_TABLE]: 'other-table', [ENV.ALARM_NAME]: 'other-alarm' } });
    await handle({ action: 'status' }, context('r-1'));
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, { TableName: 'other-table' });
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['other-alarm'] });
  });
});

describe('a restart through the real adapter', () => {
  test('alarm event: RestartConnector with the ARN, the intent saved before it, no SNS; later runs verify and report', async () => {
    kc.on(RestartConnectorCommand).callsFake(journaled('KafkaConnect.RestartConnector', { connectorArn: ARN, connectorOperationArn: OP_ARN }));
    sns.on(PublishCommand).callsFake(journaled('SNS.Publish', { MessageId: 'm-1' }));
    const handle = createHandler({ clock });

    await expect(handle(ALARM_EVENT, context('req-1'))).resolves.toEqual({
      outcome: 'ACTED',
      phase: 'RESTARTING',
      action: 'RESTART',
      reason: 'alarm ALARM with connector RUNNING: restarting in place',
      connectorArn: ARN,
      alarmState: 'ALARM',
    });
    expect(kc).toHaveReceivedCommandTimes(RestartConnectorCommand, 1);
    expect(kc).toHaveReceivedCommandWith(RestartConnectorCommand, { connectorArn: ARN });
    expect(kc).toHaveReceivedCommandWith(ListConnectorsCommand, { connectorNamePrefix: NAME });
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['orders-guard'], AlarmTypes: ['CompositeAlarm'] });
    // The intent write and the final write (plus the lease write when the run starts).
    expect(journal).toEqual([
      'DynamoDB.GetItem', 'DynamoDB.PutItem', // lease
      'KafkaConnect.ListConnectors', 'CloudWatch.DescribeAlarms',
      'DynamoDB.PutItem', // intent: RESTARTING
      'KafkaConnect.RestartConnector',
      'DynamoDB.PutItem', // result: operation ARN, lease released
    ]);
    expect(putRecords().map((r) => r.phase)).toEqual(['IDLE', 'RESTARTING', 'RESTARTING']);
    expect(putRecords()[1].operationArn).toBeUndefined();
    expect(storedItem()).toMatchObject({ version: 3, leaseOwner: 'req-1', leaseUntil: 0, record: { phase: 'RESTARTING', connectorArn: ARN, operationArn: OP_ARN } });
    expect(storedItem()!.record.incident).toMatchObject({ trigger: 'ALARM', initialState: 'RUNNING', steps: ['restart'] });
    expect(ddb).toHaveReceivedNthCommandWith(2, PutItemCommand, { TableName: 'guard-state', ConditionExpression: 'attribute_not_exists(#pk)' });
    expect(ddb).toHaveReceivedNthCommandWith(3, PutItemCommand, { ConditionExpression: '#v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);

    // Next tick: the restart operation completed -> verifying, still no e-mail.
    kc.on(DescribeConnectorOperationCommand).resolves({ connectorOperationState: 'RESTART_COMPLETE' });
    now += MIN;
    await expect(handle({ trigger: 'tick' }, context('req-2'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'VERIFYING' });
    expect(kc).toHaveReceivedCommandWith(DescribeConnectorOperationCommand, { connectorOperationArn: OP_ARN });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);

    // The alarm clears: recovered, and now the topic hears about it.
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    now += MIN;
    await expect(handle({ trigger: 'tick' }, context('req-3'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'IDLE', reason: 'alarm back to OK: recovered' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC, Subject: '[INFO] orders: connector recovered', Message: expect.stringContaining('Recovered by restart'),
    });
    expect(kc).toHaveReceivedCommandTimes(RestartConnectorCommand, 1);
  });

  test('the lease held by another invocation: LOCKED after one read, nothing else', async () => {
    store({ phase: 'IDLE', attempts: [] }, { owner: 'other-request', until: T0 + MIN });
    await expect(createHandler({ clock })(ALARM_EVENT, context('req-1'))).resolves.toMatchObject({ outcome: 'LOCKED' });
    expect(journal).toEqual(['DynamoDB.GetItem']);
    expect(kc.calls()).toHaveLength(0);
    expect(cw.calls()).toHaveLength(0);
  });

  test('two concurrent invocations: only one restarts', async () => {
    kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN });
    const handle = createHandler({ clock });
    const results = await Promise.all([handle(ALARM_EVENT, context('req-1')), handle({ trigger: 'tick' }, context('req-2'))]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['ACTED', 'LOCKED']);
    expect(kc).toHaveReceivedCommandTimes(RestartConnectorCommand, 1);
  });

  test('without a context the run ID is local and still unique per invocation', async () => {
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    const handle = createHandler({ clock });
    await handle({ trigger: 'tick' });
    expect(storedItem()?.leaseOwner).toBe(`local-${process.pid}-1`);
    await handle({ trigger: 'tick' });
    expect(storedItem()?.leaseOwner).toBe(`local-${process.pid}-2`);
  });
});

describe('triggers', () => {
  beforeEach(() => {
    kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN });
    sns.on(PublishCommand).resolves({});
  });

  test('{trigger:"tick"} -> TICK: acts on a lasting alarm', async () => {
    await expect(createHandler({ clock })({ trigger: 'tick' }, context('r'))).resolves.toMatchObject({ action: 'RESTART' });
    expect(storedItem()!.record.incident?.trigger).toBe('TICK');
  });

  test('{trigger:"tick"} with the alarm OK: nothing', async () => {
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    await expect(createHandler({ clock })({ trigger: 'tick' }, context('r'))).resolves.toMatchObject({ outcome: 'WAITED', reason: 'alarm is OK; nothing to do' });
    expect(kc).not.toHaveReceivedCommand(RestartConnectorCommand);
  });

  test('alarm event -> ALARM', async () => {
    await createHandler({ clock })(ALARM_EVENT, context('r'));
    expect(storedItem()!.record.incident?.trigger).toBe('ALARM');
  });

  test('{trigger:"scheduled-restart"} -> SCHEDULED_RESTART: a preventive restart while healthy, when the guard has a schedule', async () => {
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    process.env[ENV.SCHEDULED_RESTART_INTERVAL_SECONDS] = '86400';
    await expect(createHandler({ clock })({ trigger: 'scheduled-restart' }, context('r'))).resolves.toMatchObject({
      outcome: 'ACTED', action: 'RESTART', reason: 'preventive restart on schedule',
    });
    expect(kc).toHaveReceivedCommandWith(RestartConnectorCommand, { connectorArn: ARN });
    expect(storedItem()!.record).toMatchObject({ incident: { trigger: 'SCHEDULED_RESTART' }, attempts: [T0], lastScheduledRestart: T0 });
    // one an hour after the last is refused
    store({ phase: 'IDLE', attempts: [T0 - 60 * MIN], lastScheduledRestart: T0 - 60 * MIN });
    await expect(createHandler({ clock })({ trigger: 'scheduled-restart' }, context('r2'))).resolves.toMatchObject({
      outcome: 'WAITED', action: 'NONE', reason: expect.stringMatching(/^scheduled restart refused: the last one started at /),
    });
    expect(kc).toHaveReceivedCommandTimes(RestartConnectorCommand, 1);
  });

  test('{trigger:"scheduled-restart"} to a guard without a schedule: refused, nothing restarted', async () => {
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    delete process.env[ENV.SCHEDULED_RESTART_INTERVAL_SECONDS];
    await expect(createHandler({ clock })({ trigger: 'scheduled-restart' }, context('r'))).resolves.toMatchObject({
      outcome: 'WAITED', action: 'NONE', reason: 'scheduled restart refused: the guard has no preventive restart schedule',
    });
    expect(kc).not.toHaveReceivedCommand(RestartConnectorCommand);
  });

  test('{action:"recover"} -> MANUAL_RECOVER: acts without an alarm', async () => {
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    await expect(createHandler({ clock })({ action: 'recover' }, context('r'))).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART' });
    expect(storedItem()!.record.incident?.trigger).toBe('MANUAL_RECOVER');
  });

  test('{action:"reset"} -> MANUAL_RESET: escalation cleared and announced', async () => {
    store({ phase: 'ESCALATED', escalation: 'recovery budget exhausted', attempts: [T0 - MIN] });
    await expect(createHandler({ clock })({ action: 'reset' }, context('r'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'IDLE' });
    expect(storedItem()!.record).toEqual({ phase: 'IDLE', attempts: [T0 - MIN] });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: '[INFO] orders: guard reset by an operator' });
    expect(kc).not.toHaveReceivedCommand(RestartConnectorCommand);
  });

  test('{action:"status"} -> STATUS: reports, never acts', async () => {
    await expect(createHandler({ clock })({ action: 'status' }, context('r'))).resolves.toEqual({
      outcome: 'WAITED', phase: 'IDLE', action: 'NONE', reason: 'status requested; phase IDLE', connectorArn: ARN, alarmState: 'ALARM',
    });
    expect(kc).not.toHaveReceivedCommand(RestartConnectorCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('{action:"drill"} -> DRILL: reads, answers in one notice and its result, writes nothing', async () => {
    world({ connectorState: 'RUNNING', alarm: 'OK' });
    sns.on(PublishCommand).resolves({});
    store({ phase: 'IDLE', attempts: [T0 - 100 * MIN] });
    const before = JSON.stringify(table.get(NAME));
    await expect(createHandler({ clock })({ action: 'drill' }, context('r'))).resolves.toMatchObject({
      outcome: 'DRILL',
      drill: 'WOULD_RESTART',
      phase: 'IDLE',
      connectorArn: ARN,
      alarmState: 'OK',
      verdict: { outcome: 'WOULD_RESTART' },
      checks: expect.arrayContaining([{ check: 'recovery state', status: 'OK', detail: 'phase IDLE; 1 of 3 recovery attempts used in the last 360 min' }]),
    });
    expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
    expect(JSON.stringify(table.get(NAME))).toBe(before);
    expect(kc).not.toHaveReceivedCommand(RestartConnectorCommand);
    expect(kc).not.toHaveReceivedCommand(DeleteConnectorCommand);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toMatch(/^\[(INFO|WARNING)\] orders: DRILL: would restart$/);
  });
});

/** DescribeConnector and ListTagsForResource answer that the connector runs as the stored request describes. */
function runningAsRequested(overrides: Record<string, unknown> = {}, tags: Record<string, string> = {}): void {
  kc.on(DescribeConnectorCommand).resolves({ ...REQUEST, connectorArn: ARN, connectorState: 'FAILED', ...overrides });
  kc.on(ListTagsForResourceCommand).resolves({ tags });
}

describe('a CloudFormation-managed connector\'s guard (fromCfnConnector: restart-only, no stored request, no role)', () => {
  test('restarts in place with only the variables such a guard is given; a FAILED connector is escalated, never re-created', async () => {
    for (const name of [ENV.CONFIG_BUCKET, ENV.CONFIG_KEY, ENV.CONFIG_BUCKET_OWNER, ENV.SERVICE_EXECUTION_ROLE_ARN]) {
      delete process.env[name];
    }
    process.env[ENV.STRATEGY] = 'RESTART_ONLY';
    process.env[ENV.CLOUDFORMATION_MANAGED] = 'true';
    kc.on(RestartConnectorCommand).resolves({ connectorArn: ARN, connectorOperationArn: OP_ARN });
    sns.on(PublishCommand).resolves({});
    await expect(createHandler({ clock })(ALARM_EVENT, context('r1'))).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART' });

    table.clear();
    world({ connectorState: 'FAILED', alarm: 'ALARM' });
    await expect(createHandler({ clock })(ALARM_EVENT, context('r2'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'ESCALATED' });
    expect(kc).not.toHaveReceivedCommand(DeleteConnectorCommand);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain('replace the connector through the CloudFormation stack that manages it');
  });
});

describe('a recreate through the real adapter', () => {
  test('FAILED connector: reads the request from the configured bucket and key, proves offsets, deletes; then creates', async () => {
    world({ connectorState: 'FAILED', alarm: 'ALARM' });
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify(REQUEST) } as never });
    kc.on(DescribeWorkerConfigurationCommand).resolves({
      latestRevision: { revision: 2, propertiesFileContent: Buffer.from('offset.storage.topic=__orders_offsets\n').toString('base64') },
    });
    runningAsRequested();
    kc.on(DeleteConnectorCommand).resolves({ connectorArn: ARN, connectorState: 'DELETING' });
    kc.on(CreateConnectorCommand).resolves({ connectorArn: `${ARN}-new`, connectorState: 'CREATING' });
    const handle = createHandler({ clock });

    await expect(handle(ALARM_EVENT, context('req-1'))).resolves.toMatchObject({ outcome: 'ACTED', action: 'DELETE', phase: 'DELETING' });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'config-bucket', Key: 'connectors/orders.json', ExpectedBucketOwner: '111122223333' });
    expect(kc).toHaveReceivedCommandWith(DescribeWorkerConfigurationCommand, { workerConfigurationArn: WORKER_ARN });
    expect(kc).toHaveReceivedCommandWith(DescribeConnectorCommand, { connectorArn: ARN });
    expect(kc).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: ARN });
    expect(kc).toHaveReceivedCommandWith(DeleteConnectorCommand, { connectorArn: ARN, currentVersion: 'V1' });
    expect(putRecords().map((r) => r.phase)).toEqual(['IDLE', 'DELETING', 'DELETING']);
    expect(kc).not.toHaveReceivedCommand(CreateConnectorCommand);

    world({ alarm: 'ALARM' }); // the delete finished
    now += MIN;
    await expect(handle({ trigger: 'tick' }, context('req-2'))).resolves.toMatchObject({ outcome: 'ACTED', action: 'CREATE', phase: 'CREATING' });
    expect(kc).toHaveReceivedCommandTimes(CreateConnectorCommand, 1);
    expect(kc.commandCalls(CreateConnectorCommand)[0].args[0].input).toEqual(REQUEST);
  });

  test('a connector updated since its request was stored: no delete, one notice naming the changed key, never its value', async () => {
    world({ connectorState: 'FAILED', alarm: 'ALARM' });
    sns.on(PublishCommand).resolves({});
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify(REQUEST) } as never });
    kc.on(DescribeWorkerConfigurationCommand).resolves({
      latestRevision: { revision: 2, propertiesFileContent: Buffer.from('offset.storage.topic=__orders_offsets\n').toString('base64') },
    });
    runningAsRequested({ connectorConfiguration: { ...(REQUEST.connectorConfiguration as object), 'database.password': 'rotated-s3cret' } }, { team: 'orders' });
    const handle = createHandler({ clock });

    await expect(handle(ALARM_EVENT, context('r1'))).resolves.toMatchObject({ outcome: 'WAITED', action: 'NONE', phase: 'ESCALATED' });
    now += MIN;
    await expect(handle({ trigger: 'tick' }, context('r2'))).resolves.toMatchObject({ phase: 'ESCALATED' });
    expect(kc).not.toHaveReceivedCommand(DeleteConnectorCommand);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => p.Subject)).toEqual(['[WARNING] orders: needs a human: stored request differs from the running connector; not deleting']);
    expect(published[0].Message).toContain('differs from the running connector in connectorConfiguration.database.password, tags.team:');
    expect(published[0].Message).not.toMatch(/rotated-s3cret|orders"/);
  });
});

describe('what stops the guard from acting, through the real adapter', () => {
  const expectNoMutation = () => {
    expect(kc).not.toHaveReceivedCommand(RestartConnectorCommand);
    expect(kc).not.toHaveReceivedCommand(DeleteConnectorCommand);
    expect(kc).not.toHaveReceivedCommand(CreateConnectorCommand);
  };
  const subjects = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
  beforeEach(() => {
    sns.on(PublishCommand).resolves({});
  });

  test('maintenance switch (alarm actions disabled): no mutation, one warning, not repeated on the next tick', async () => {
    world({ connectorState: 'RUNNING', alarm: 'ALARM', actionsEnabled: false });
    const handle = createHandler({ clock });
    await expect(handle(ALARM_EVENT, context('r1'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'IDLE' });
    now += MIN;
    await handle({ trigger: 'tick' }, context('r2'));
    expectNoMutation();
    expect(subjects()).toEqual(['[WARNING] orders: alarm in maintenance, not recovering']);
  });

  test('notify-only: no mutation, one warning naming the restart command to run by hand', async () => {
    process.env[ENV.STRATEGY] = 'NOTIFY_ONLY';
    await expect(createHandler({ clock })(ALARM_EVENT, context('r'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'IDLE' });
    expectNoMutation();
    expect(subjects()).toEqual(['[WARNING] orders: silent failure suspected (notify-only)']);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain(`aws kafkaconnect restart-connector --connector-arn ${ARN}`);
  });

  test('budget exhausted (3 attempts in the window): escalates once and stops acting until a reset', async () => {
    store({ phase: 'IDLE', attempts: [T0 - 3 * 60 * MIN, T0 - 2 * 60 * MIN, T0 - 60 * MIN] });
    const handle = createHandler({ clock });
    await expect(handle(ALARM_EVENT, context('r1'))).resolves.toMatchObject({ outcome: 'WAITED', phase: 'ESCALATED' });
    now += 10 * MIN;
    await expect(handle({ trigger: 'tick' }, context('r2'))).resolves.toMatchObject({ phase: 'ESCALATED' });
    expectNoMutation();
    expect(subjects()).toEqual(['[WARNING] orders: needs a human: recovery budget exhausted (3 attempts in the window)']);
  });

  test('NotFound from DeleteConnector (deleted meanwhile) counts as deleted: the next run creates', async () => {
    world({ connectorState: 'FAILED', alarm: 'ALARM' });
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify(REQUEST) } as never });
    kc.on(DescribeWorkerConfigurationCommand).resolves({
      latestRevision: { revision: 2, propertiesFileContent: Buffer.from('offset.storage.topic=__orders_offsets\n').toString('base64') },
    });
    runningAsRequested();
    kc.on(DeleteConnectorCommand).rejects(new NotFoundException({ message: 'Connector not found', $metadata: { httpStatusCode: 404 } }));
    kc.on(CreateConnectorCommand).resolves({ connectorArn: `${ARN}-new`, connectorState: 'CREATING' });
    const handle = createHandler({ clock });
    await expect(handle(ALARM_EVENT, context('r1'))).resolves.toMatchObject({ outcome: 'ACTED', action: 'DELETE', phase: 'DELETING' });
    world({ alarm: 'ALARM' }); // the listing no longer shows it
    now += MIN;
    await expect(handle({ trigger: 'tick' }, context('r2'))).resolves.toMatchObject({ outcome: 'ACTED', action: 'CREATE', phase: 'CREATING' });
    expect(kc.commandCalls(CreateConnectorCommand).map((c) => c.args[0].input)).toEqual([REQUEST]);
  });
});

describe('telemetry', () => {
  /** The EMF lines a run on an alarm (a restart) writes to stdout, metrics on. */
  async function metricsOfARestart(): Promise<any[]> {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN });
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    await createHandler({ clock })(ALARM_EVENT, context('r'));
    return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('_aws')).map((l) => JSON.parse(l));
  }

  test('recovery metrics are written as EMF with the connector dimension', async () => {
    const emf = await metricsOfARestart();
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'DebeziumGuard', Metrics: [{ Name: 'RecoveryStepStarted', Unit: 'Count' }] }] },
      ConnectorName: NAME,
      Step: 'restart',
      RecoveryStepStarted: 1,
    });
    expect(emf[0]._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['ConnectorName', 'Step']));
  });

  test('the metrics namespace is the one the construct sets in POWERTOOLS_METRICS_NAMESPACE', async () => {
    process.env[ENV.METRICS_NAMESPACE] = 'OrdersGuard';
    const emf = await metricsOfARestart();
    expect(emf.map((line) => line._aws.CloudWatchMetrics[0].Namespace)).toEqual(['OrdersGuard']);
  });

  test('logs are silent under POWERTOOLS_LOG_LEVEL=SILENT and metrics off under POWERTOOLS_METRICS_DISABLED', async () => {
    kc.on(RestartConnectorCommand).resolves({ connectorOperationArn: OP_ARN });
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    // An error path too: a failed run logs an error (silenced) and rethrows.
    kc.on(ListConnectorsCommand).rejects(new Error('boom'));
    await expect(createHandler({ clock })(ALARM_EVENT, context('r'))).rejects.toThrow('boom');
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});
