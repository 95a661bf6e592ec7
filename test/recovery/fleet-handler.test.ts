/**
 * A fleet's recovery function as Lambda runs it: `createHandler` with a fleet's environment and the
 * real adapters over SDK clients whose `send` is mocked with aws-sdk-client-mock. The mocks hold a
 * small account: connectors, their stall and task alarms, the stall alarms' tags, and the fleet's table.
 */
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand, type DescribeAlarmsCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand, type AttributeValue, type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { DescribeConnectorOperationCommand, KafkaConnectClient, ListConnectorsCommand, RestartConnectorCommand } from '@aws-sdk/client-kafkaconnect';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ENV, MEMBER_TAG } from '../../src/recovery/constants';
import type { FleetRunSummary, MemberRun } from '../../src/recovery/fleet-run';
import { createHandler } from '../../src/recovery/recovery.lambda';

const ACCOUNT = '111122223333';
const FLEET_ID = 'Cdc-Fleet-1A2B3C4D';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MIN = 60_000;

const FLEET_ENV: Record<string, string> = {
  [ENV.FLEET_ID]: FLEET_ID,
  [ENV.FLEET_CONCURRENCY]: '3',
  [ENV.TOPIC_ARN]: `arn:aws:sns:eu-west-1:${ACCOUNT}:fleet`,
  [ENV.STATE_TABLE]: 'fleet-state',
  [ENV.STRATEGY]: 'RESTART_THEN_RECREATE',
  [ENV.ALLOW_OFFSET_RESET]: 'false',
  [ENV.COOLDOWN_SECONDS]: '300',
  [ENV.BUDGET]: '3',
  [ENV.BUDGET_WINDOW_SECONDS]: '21600',
  [ENV.VERIFY_SECONDS]: '420',
  [ENV.OPERATION_TIMEOUT_SECONDS]: '1800',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'eu-west-1',
};

interface Connector {
  state: string;
  alarm: 'OK' | 'ALARM';
  /** The stall alarm's fleet tag; undefined for a guard outside any fleet. */
  fleet?: string;
}

let kc: AwsClientStub<KafkaConnectClient>;
let cw: AwsClientStub<CloudWatchClient>;
let ddb: AwsClientStub<DynamoDBClient>;
let sns: AwsClientStub<SNSClient>;
let s3: AwsClientStub<S3Client>;
let account: Map<string, Connector>;
let table: Map<string, Record<string, AttributeValue>>;
let journal: string[];
let now: number;

const arnOf = (name: string) => `arn:aws:kafkaconnect:eu-west-1:${ACCOUNT}:connector/${name}/id-${name}`;
const alarmArnOf = (name: string) => `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${name}-debezium-guard-stall`;

beforeAll(() => {
  kc = mockClient(KafkaConnectClient);
  cw = mockClient(CloudWatchClient);
  ddb = mockClient(DynamoDBClient);
  sns = mockClient(SNSClient);
  s3 = mockClient(S3Client);
});
const savedLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
afterAll(() => {
  [kc, cw, ddb, sns, s3].forEach((stub) => stub.restore());
  if (savedLogLevel === undefined) {
    delete process.env.POWERTOOLS_LOG_LEVEL;
  } else {
    process.env.POWERTOOLS_LOG_LEVEL = savedLogLevel;
  }
});

beforeEach(() => {
  [kc, cw, ddb, sns, s3].forEach((stub) => stub.reset());
  account = new Map();
  table = new Map();
  journal = [];
  now = T0;
  // Each connector's stall alarm holds its state; its task alarm stays OK.
  const alarmsOf = (name: string) => {
    const c = account.get(name)!;
    return [
      { AlarmName: `${name}-debezium-guard-stall`, AlarmArn: alarmArnOf(name), StateValue: c.alarm, ActionsEnabled: true },
      { AlarmName: `${name}-debezium-guard-tasks`, AlarmArn: alarmArnOf(name).replace(/-stall$/, '-tasks'), StateValue: 'OK' as const, ActionsEnabled: true },
    ];
  };
  cw.on(DescribeAlarmsCommand).callsFake(async (input: DescribeAlarmsCommandInput) => {
    journal.push('CloudWatch.DescribeAlarms');
    const all = [...account.keys()].flatMap(alarmsOf);
    return {
      MetricAlarms: input.AlarmNames
        ? all.filter((a) => input.AlarmNames!.includes(a.AlarmName))
        : all.filter((a) => a.StateValue === input.StateValue),
    };
  });
  cw.on(ListTagsForResourceCommand).callsFake(async (input) => {
    journal.push('CloudWatch.ListTagsForResource');
    const name = /alarm:(.*)-debezium-guard-stall$/.exec(input.ResourceARN)![1];
    const fleet = account.get(name)?.fleet;
    return {
      Tags: fleet === undefined ? [] : [
        { Key: MEMBER_TAG.FLEET, Value: fleet },
        { Key: MEMBER_TAG.CONFIG_BUCKET, Value: 'configs' },
        { Key: MEMBER_TAG.CONFIG_KEY, Value: `debezium/${name}.json` },
        { Key: MEMBER_TAG.CONFIG_BUCKET_OWNER, Value: ACCOUNT },
        { Key: MEMBER_TAG.SERVICE_EXECUTION_ROLE_ARN, Value: `arn:aws:iam::${ACCOUNT}:role/cdc` },
      ],
    };
  });
  ddb.on(ScanCommand).callsFake(async () => {
    journal.push('DynamoDB.Scan');
    return { Items: [...table.values()] };
  });
  ddb.on(GetItemCommand).callsFake(async (input) => {
    journal.push('DynamoDB.GetItem');
    const item = table.get(input.Key!.pk.S!);
    return item ? { Item: item } : {};
  });
  ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
    journal.push(`DynamoDB.PutItem ${input.Item!.pk.S}`);
    const current = table.get(input.Item!.pk.S!);
    const ok = input.ConditionExpression === 'attribute_not_exists(#pk)'
      ? current === undefined
      : current?.version.N === input.ExpressionAttributeValues?.[':v'].N;
    if (!ok) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    table.set(input.Item!.pk.S!, input.Item!);
    return {};
  });
  kc.on(ListConnectorsCommand).callsFake(async (input) => {
    journal.push(`KafkaConnect.ListConnectors ${input.connectorNamePrefix}`);
    const c = account.get(input.connectorNamePrefix!);
    const name = input.connectorNamePrefix!;
    return { connectors: c ? [{ connectorName: name, connectorArn: arnOf(name), connectorState: c.state }] : [] };
  });
  kc.on(RestartConnectorCommand).callsFake(async (input) => {
    journal.push(`KafkaConnect.RestartConnector ${input.connectorArn}`);
    return { connectorOperationArn: `${input.connectorArn}/op` };
  });
  kc.on(DescribeConnectorOperationCommand).resolves({ connectorOperationState: 'RESTART_COMPLETE' });
  sns.on(PublishCommand).callsFake(async (input) => {
    journal.push(`SNS.Publish ${input.Subject}`);
    return {};
  });
});

function handler() {
  // Powertools' logger reads its level from the process.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  return createHandler({ env: { ...FLEET_ENV }, clock: { now: () => now } });
}

/** A fleet of `n` healthy members named cdc-000, cdc-001, ... */
function healthyFleet(n: number): string[] {
  const names = Array.from({ length: n }, (_, i) => `cdc-${String(i).padStart(3, '0')}`);
  names.forEach((name) => account.set(name, { state: 'RUNNING', alarm: 'OK', fleet: FLEET_ID }));
  return names;
}

const TICK = { trigger: 'tick' };
/** The action of a member's reconcile run (a drill has none). */
const actionOf = (run: MemberRun) => (run.summary && 'action' in run.summary ? run.summary.action : undefined);
const mutations = () => journal.filter((c) => /PutItem|Restart|Delete|Create|Publish/.test(c));

describe('a healthy fleet', () => {
  test('of 100 connectors: each tick is one DescribeAlarms and one Scan, over an hour of ticks', async () => {
    healthyFleet(100);
    const run = handler();
    for (let minute = 0; minute < 60; minute++) {
      now = T0 + minute * MIN;
      const summary = await run(TICK) as FleetRunSummary;
      expect(summary.runs).toEqual([]);
    }
    expect(journal.filter((c) => c === 'DynamoDB.Scan')).toHaveLength(60);
    expect(journal.filter((c) => c === 'CloudWatch.DescribeAlarms')).toHaveLength(60);
    // No MSK Connect call, no write, no notice: 0 per connector-minute.
    expect(journal).toHaveLength(120);
    expect(kc).not.toHaveReceivedAnyCommand();
  });
});

describe('members that need a run', () => {
  test('a member in ALARM is restarted on the tick; the others are not touched', async () => {
    healthyFleet(5);
    account.get('cdc-003')!.alarm = 'ALARM';
    const summary = await handler()(TICK) as FleetRunSummary;
    expect(summary.runs.map((r) => [r.connector, actionOf(r)])).toEqual([['cdc-003', 'RESTART']]);
    expect(journal.filter((c) => c.startsWith('KafkaConnect.RestartConnector'))).toEqual([`KafkaConnect.RestartConnector ${arnOf('cdc-003')}`]);
    expect([...table.keys()]).toEqual(['cdc-003']);
    expect(journal.filter((c) => c.startsWith('KafkaConnect.ListConnectors'))).toEqual(['KafkaConnect.ListConnectors cdc-003']);
  });

  test('a recovery in flight is continued on the next tick even with its alarm cleared', async () => {
    healthyFleet(3);
    account.get('cdc-001')!.alarm = 'ALARM';
    const run = handler();
    await run(TICK);
    account.get('cdc-001')!.alarm = 'OK';
    now += MIN;
    journal = [];
    const summary = await run(TICK) as FleetRunSummary;
    expect(summary.runs.map((r) => r.connector)).toEqual(['cdc-001']);
    // The restart completed with the alarm clear: the incident is over, and the fleet says so.
    expect(JSON.parse(table.get('cdc-001')!.record.S!).phase).toBe('IDLE');
    expect(journal.filter((c) => c.startsWith('SNS.Publish'))).toHaveLength(1);
  });

  test('a member alarm in ALARM outside this fleet (another fleet\'s, or an untagged one) is left alone', async () => {
    healthyFleet(2);
    account.set('single', { state: 'RUNNING', alarm: 'ALARM' });
    account.set('elsewhere', { state: 'RUNNING', alarm: 'ALARM', fleet: 'Other-Fleet-99' });
    const summary = await handler()(TICK) as FleetRunSummary;
    expect(summary.runs.map((r) => [r.connector, r.skipped !== undefined])).toEqual([['elsewhere', true], ['single', true]]);
    expect(kc).not.toHaveReceivedAnyCommand();
    expect(mutations()).toEqual([]);
  });

  test('one member\'s failing run stops no other member\'s; the run then fails naming it', async () => {
    healthyFleet(4);
    for (const name of ['cdc-000', 'cdc-001', 'cdc-002']) {
      account.get(name)!.alarm = 'ALARM';
    }
    const base = ddb.commandCalls(GetItemCommand);
    expect(base).toEqual([]);
    ddb.on(GetItemCommand, { Key: { pk: { S: 'cdc-001' } } }).rejects(new Error('throttled for good'));
    await expect(handler()(TICK)).rejects.toThrow('the runs of 1 member(s) failed: cdc-001; their errors are in this function\'s log');
    expect(journal.filter((c) => c.startsWith('KafkaConnect.RestartConnector')).sort())
      .toEqual([`KafkaConnect.RestartConnector ${arnOf('cdc-000')}`, `KafkaConnect.RestartConnector ${arnOf('cdc-002')}`]);
  });

  test('thirty members alarming in the same minute: one digest e-mail, every one restarted', async () => {
    const names = healthyFleet(30);
    names.forEach((name) => { account.get(name)!.alarm = 'ALARM'; });
    const run = handler();
    const summary = await run(TICK) as FleetRunSummary;
    expect(summary.runs.map(actionOf)).toEqual(Array(30).fill('RESTART'));
    // The restarts worked: on the next tick every member reports its recovery, in one e-mail.
    names.forEach((name) => { account.get(name)!.alarm = 'OK'; });
    now += MIN;
    await run(TICK);
    const published = journal.filter((c) => c.startsWith('SNS.Publish'));
    expect(published).toHaveLength(1);
    expect(published[0]).toMatch(/^SNS.Publish \[\w+\] Debezium guard fleet: 30 notices: cdc-000, cdc-001, /);
    expect(names.map((name) => JSON.parse(table.get(name)!.record.S!).phase)).toEqual(Array(30).fill('IDLE'));
  });

  test('a digest that cannot be sent fails the run, and the log keeps each notice', async () => {
    healthyFleet(3);
    account.get('cdc-000')!.alarm = 'ALARM';
    account.get('cdc-002')!.alarm = 'ALARM';
    const run = handler();
    await run(TICK);
    account.get('cdc-000')!.alarm = 'OK';
    account.get('cdc-002')!.alarm = 'OK';
    now += MIN;
    sns.on(PublishCommand).rejects(new Error('topic gone'));
    await expect(run(TICK)).rejects.toThrow('the fleet\'s digest of 2 notice(s) could not be sent (Error); they are in this function\'s log');
    // The recoveries are recorded all the same: a lost e-mail undoes no recovery step.
    expect(JSON.parse(table.get('cdc-000')!.record.S!).phase).toBe('IDLE');
    expect(JSON.parse(table.get('cdc-002')!.record.S!).phase).toBe('IDLE');
  });

  test('at most GUARD_FLEET_CONCURRENCY members are recovered at once, and every one is', async () => {
    const names = healthyFleet(10);
    names.forEach((name) => { account.get(name)!.alarm = 'ALARM'; });
    let running = 0;
    let most = 0;
    kc.on(ListConnectorsCommand).callsFake(async (input) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return { connectors: [{ connectorName: input.connectorNamePrefix, connectorArn: arnOf(input.connectorNamePrefix!), connectorState: 'RUNNING' }] };
    });
    const summary = await handler()(TICK) as FleetRunSummary;
    expect(most).toBe(3);
    expect(summary.runs.map((r) => actionOf(r))).toEqual(Array(10).fill('RESTART'));
  });
});

describe('events that name a connector', () => {
  test('a member alarm\'s state change runs that member only', async () => {
    healthyFleet(3);
    account.get('cdc-002')!.alarm = 'ALARM';
    const event = {
      'detail-type': 'CloudWatch Alarm State Change',
      'resources': [alarmArnOf('cdc-002')],
      'detail': { alarmName: 'cdc-002-debezium-guard-tasks', state: { value: 'ALARM' } },
    };
    const summary = await handler()(event) as FleetRunSummary;
    expect(summary.runs.map((r) => r.connector)).toEqual(['cdc-002']);
    expect(journal).not.toContain('DynamoDB.Scan');
  });

  test('a drill of a member reads and reports, and writes nothing', async () => {
    healthyFleet(2);
    const result = await handler()({ action: 'drill', connector: 'cdc-001' }) as FleetRunSummary;
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0].summary).toMatchObject({ outcome: 'DRILL', drill: 'WOULD_RESTART' });
    expect(journal.filter((c) => /PutItem|Restart|Delete|Create/.test(c))).toEqual([]);
    // Its one notice: a drill reports, whatever the digest holds.
    expect(journal.filter((c) => c.startsWith('SNS.Publish'))).toEqual([expect.stringMatching(/DRILL/)]);
  });

  test('a drill checks the fleet\'s tick rule by the function\'s own ARN (its qualifier dropped); no alarm rule is expected', async () => {
    const functionArn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:cdc-fleet-recovery`;
    const eb = mockClient(EventBridgeClient);
    try {
      eb.on(ListRuleNamesByTargetCommand, { TargetArn: functionArn }).resolves({ RuleNames: ['CdcFleet-ReconcileRule-1A2B'] });
      eb.on(DescribeRuleCommand).resolves({ Name: 'CdcFleet-ReconcileRule-1A2B', State: 'ENABLED', ScheduleExpression: 'rate(1 minute)' });
      eb.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'Target0', Arn: functionArn, Input: '{"trigger":"tick"}' }] });
      healthyFleet(1);
      const drillOf = async () => {
        const result = await handler()({ action: 'drill', connector: 'cdc-000' }, { awsRequestId: 'r1', invokedFunctionArn: `${functionArn}:live` }) as FleetRunSummary;
        const summary = result.runs[0].summary as { checks: Array<{ check: string; status: string; detail: string }> };
        return summary.checks.find((c) => c.check === 'EventBridge rules');
      };
      await expect(drillOf()).resolves.toEqual({
        check: 'EventBridge rules',
        status: 'OK',
        detail: 'rule CdcFleet-ReconcileRule-1A2B sends the tick ({"trigger":"tick"}) on a schedule (rate(1 minute)); enabled, targeting this function',
      });
      // A disabled tick: nothing would continue or start the members' recoveries.
      eb.on(DescribeRuleCommand).resolves({ Name: 'CdcFleet-ReconcileRule-1A2B', State: 'DISABLED', ScheduleExpression: 'rate(1 minute)' });
      await expect(drillOf()).resolves.toMatchObject({ status: 'PROBLEM', detail: expect.stringMatching(/^rule CdcFleet-ReconcileRule-1A2B sends the tick .* but is disabled: enable it$/) });
      expect(eb).toHaveReceivedCommandWith(ListRuleNamesByTargetCommand, { TargetArn: functionArn });
      expect(journal.filter((c) => /PutItem|Restart|Delete|Create/.test(c))).toEqual([]);
    } finally {
      eb.restore();
    }
  });

  test('a manual action names its connector; without one it is refused, naming what to add', async () => {
    healthyFleet(2);
    const status = await handler()({ action: 'status', connector: 'cdc-001' }) as FleetRunSummary;
    expect(status.runs.map((r) => [r.connector, actionOf(r)])).toEqual([['cdc-001', 'NONE']]);
    await expect(handler()({ action: 'status' })).rejects.toThrow(
      'a fleet\'s function takes an event that names the connector: a guard alarm\'s state change, or {"action":"...","connector":"<connector name>"}');
    await expect(handler()({ trigger: 'scheduled-restart' })).rejects.toThrow('a fleet\'s function takes no scheduled restart');
  });
});
