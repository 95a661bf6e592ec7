/**
 * End to end through the production entry point: the bundle's exported `handler`, configured only by
 * process.env exactly as the construct sets it (variables taken from the synthesized template), with
 * the SDK clients it builds itself (production retry settings), on the system clock.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { expectEnd, startLiveWorld } from './harness';
import { DebeziumSilentFailureGuard } from '../../src';
import { RECOVERY_BUNDLE, type GuardWorld } from '../../tools/simulate/world';
import { newStack, quickStartProps } from '../construct/fixtures';

type Handler = (event: unknown, context?: { awsRequestId: string }) => Promise<{ outcome: string; action?: string; phase?: string }>;

/** Emulator lifecycles in milliseconds: the whole recovery takes well under a second of real time. */
const DURATIONS = { restartMs: 120, restartPendingMs: 30, deleteMs: 120, createMs: 120 };

let world: GuardWorld | undefined;
const savedEnv: Record<string, string | undefined> = {};

function setEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (!(k in savedEnv)) {
      savedEnv[k] = process.env[k];
    }
    process.env[k] = v;
  }
}

afterEach(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) {
      delete process.env[k];
    } else {
      process.env[k] = v;
    }
    delete savedEnv[k];
  }
  await world?.stop();
  world = undefined;
});

/**
 * The recovery function's handler name and environment as the construct synthesizes them, with the
 * CloudFormation references (topic, table, composite alarm) resolved to the emulator's resources.
 */
function synthesizedFunction(w: GuardWorld): { handlerName: string; environment: Record<string, string> } {
  const stack = newStack();
  new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, {
    serviceExecutionRole: iam.Role.fromRoleArn(stack, 'ConnectorRole', w.roleArn),
  }));
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: any }> };
  const functions = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.GUARD_CONNECTOR_NAME !== undefined);
  expect(functions).toHaveLength(1);
  const byType: Record<string, string> = {
    'AWS::SNS::Topic': w.topicArn,
    'AWS::DynamoDB::Table': w.table,
    'AWS::CloudWatch::CompositeAlarm': w.alarmName,
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(functions[0].Properties.Environment.Variables as Record<string, unknown>)) {
    if (typeof value === 'string') {
      environment[name] = value;
      continue;
    }
    const ref = (value as { Ref?: string }).Ref;
    const resolved = ref === undefined ? undefined : byType[template.Resources[ref]?.Type];
    if (resolved === undefined) {
      throw new Error(`environment variable ${name} is ${JSON.stringify(value)}, which this test cannot map to the emulator`);
    }
    environment[name] = resolved;
  }
  return { handlerName: functions[0].Properties.Handler, environment };
}

test('the exported production handler, configured by the environment the construct sets, restarts a silently failing connector', async () => {
  // GIVEN a RUNNING connector that stopped producing, its composite alarm in ALARM
  world = await startLiveWorld({ durations: DURATIONS });
  const w = world;
  const { kafkaconnect, faults, requests } = w.emulator;
  kafkaconnect.setHealth('orders-cdc', 'silent');
  w.setAlarm('ALARM');

  // AND the Lambda environment: the construct's variables plus what the Lambda runtime provides
  const { handlerName, environment } = synthesizedFunction(w);
  expect(handlerName).toBe('index.handler');
  expect(environment).toMatchObject({
    GUARD_CONNECTOR_NAME: 'orders-cdc',
    GUARD_CONFIG_BUCKET: w.bucket,
    GUARD_CONFIG_KEY: w.configKey,
    // The bucket's account, as the construct pins it: the emulator's buckets belong to the same one.
    GUARD_CONFIG_BUCKET_OWNER: w.emulator.account,
    GUARD_SERVICE_EXECUTION_ROLE_ARN: w.roleArn,
    GUARD_STRATEGY: 'RESTART_THEN_RECREATE',
  });
  setEnv({
    ...environment,
    AWS_ENDPOINT_URL: w.emulator.endpoint,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(RECOVERY_BUNDLE) as Record<string, unknown>;
  const handler = bundle[handlerName.split('.')[1]] as Handler;
  expect(typeof handler).toBe('function');

  // AND three 5xx in a row on the alarm read: more than the SDK's default 3 attempts absorb, within the
  // handler's own production retry settings (6 attempts, standard backoff: at most 0.1 + 0.2 + 0.4 s here)
  faults.serverError('monitoring', 'DescribeAlarms', 3, 500);

  // WHEN EventBridge delivers the composite alarm's state change
  const first = await handler(w.alarmEvent(), { awsRequestId: 'prod-1' });

  // THEN it restarted the connector in place
  expect(first).toMatchObject({ outcome: 'ACTED' });
  expect(w.mutations()).toEqual(['RestartConnector']);
  expect(requests.of('kafkaconnect', 'RestartConnector')[0].params.connectorArn).toBe(w.connector()!.arn);
  expect(requests.of('monitoring', 'DescribeAlarms').map((r) => r.status).slice(0, 4)).toEqual([500, 500, 500, 200]);

  // WHEN the reconcile ticks follow (every 40 ms instead of every minute) and CloudWatch clears once it processes
  for (let i = 0; i < 25 && w.notices().length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    w.setAlarm(kafkaconnect.isProcessing('orders-cdc') ? 'OK' : 'ALARM');
    await handler({ trigger: 'tick' }, { awsRequestId: `prod-tick-${i}` });
  }

  // THEN one notice says it recovered by restart; same connector, offsets kept (about a second of real
  // time; not asserted: how long it takes is a benchmark's business, and a loaded CI machine is slower)
  expect(w.notices()[0]?.message).toContain('Recovered by restart');
  expectEnd(w, {
    state: 'RUNNING',
    health: 'healthy',
    arn: 'same',
    offsets: 'kept',
    phase: 'IDLE',
    subjects: ['[INFO] orders-cdc: connector recovered'],
    mutations: ['RestartConnector'],
  });
  // Synthesis, the bundle's first load and the live emulator take about a second here; a CI machine running
  // other suites at once has taken over 5 s (jest's default), so this test gets its own limit.
}, 30_000);
