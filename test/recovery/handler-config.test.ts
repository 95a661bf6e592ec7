import { ENV, RECOVERY_METRICS_NAMESPACE } from '../../src/recovery/constants';
import { isFleet, readFleetConfig, readHandlerConfig } from '../../src/recovery/handler-config';
import { connectorOf, triggerOf } from '../../src/recovery/invocation';

const ROLE = 'arn:aws:iam::123456789012:role/orders-cdc-connector';

/** A complete environment, as the construct sets it. */
const FULL_ENV: Record<string, string> = {
  [ENV.CONNECTOR_NAME]: 'orders-cdc',
  [ENV.CONFIG_BUCKET]: 'guard-config-bucket',
  [ENV.CONFIG_KEY]: 'connectors/orders-cdc.json',
  [ENV.CONFIG_BUCKET_OWNER]: '123456789012',
  [ENV.SERVICE_EXECUTION_ROLE_ARN]: ROLE,
  [ENV.TOPIC_ARN]: 'arn:aws:sns:eu-west-1:123456789012:guard',
  [ENV.STATE_TABLE]: 'guard-state',
  [ENV.ALARM_NAME]: 'orders-cdc-silent-failure',
  [ENV.STRATEGY]: 'RESTART_THEN_RECREATE',
  [ENV.ALLOW_OFFSET_RESET]: 'false',
  [ENV.COOLDOWN_SECONDS]: '300',
  [ENV.BUDGET]: '3',
  [ENV.BUDGET_WINDOW_SECONDS]: '21600',
  [ENV.VERIFY_SECONDS]: '600',
  [ENV.OPERATION_TIMEOUT_SECONDS]: '900',
  [ENV.METRICS_NAMESPACE]: 'DebeziumGuard',
};

function envWith(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...FULL_ENV, ...overrides };
}

describe('readHandlerConfig', () => {
  test('reads every variable, seconds converted to milliseconds', () => {
    // WHEN
    const config = readHandlerConfig(FULL_ENV);

    // THEN
    expect(config).toEqual({
      settings: {
        connectorName: 'orders-cdc',
        strategy: 'RESTART_THEN_RECREATE',
        allowOffsetReset: false,
        cooldownMs: 300_000,
        budget: 3,
        budgetWindowMs: 21_600_000,
        verifyMs: 600_000,
        operationTimeoutMs: 900_000,
      },
      configBucket: 'guard-config-bucket',
      configKey: 'connectors/orders-cdc.json',
      configBucketOwner: '123456789012',
      serviceExecutionRoleArn: ROLE,
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:guard',
      stateTable: 'guard-state',
      alarmName: 'orders-cdc-silent-failure',
      metricsNamespace: 'DebeziumGuard',
    });
  });

  test('the metrics namespace is the one the environment sets (POWERTOOLS_METRICS_NAMESPACE), not a constant', () => {
    expect(readHandlerConfig(envWith({ [ENV.METRICS_NAMESPACE]: 'OrdersGuard' })).metricsNamespace).toBe('OrdersGuard');
  });

  test.each([undefined, ''])('without a metrics namespace (%p: a local run), the guard\'s own', (value) => {
    expect(readHandlerConfig(envWith({ [ENV.METRICS_NAMESPACE]: value })).metricsNamespace).toBe(RECOVERY_METRICS_NAMESPACE);
  });

  test.each(['RESTART_ONLY', 'NOTIFY_ONLY'])('%s (a CloudFormation-managed connector\'s guard): no stored request or role needed', (strategy) => {
    const env = envWith({
      [ENV.STRATEGY]: strategy,
      [ENV.CONFIG_BUCKET]: undefined,
      [ENV.CONFIG_KEY]: undefined,
      [ENV.CONFIG_BUCKET_OWNER]: undefined,
      [ENV.SERVICE_EXECUTION_ROLE_ARN]: undefined,
    });
    expect(readHandlerConfig(env)).toMatchObject({
      configBucket: '', configKey: '', configBucketOwner: '', serviceExecutionRoleArn: '',
    });
  });

  test('a strategy that re-creates needs the stored request and the role', () => {
    const env = envWith({
      [ENV.CONFIG_BUCKET]: undefined, [ENV.CONFIG_KEY]: undefined, [ENV.CONFIG_BUCKET_OWNER]: undefined, [ENV.SERVICE_EXECUTION_ROLE_ARN]: undefined,
    });
    expect(() => readHandlerConfig(env)).toThrow(new Error('recovery function misconfigured: GUARD_CONFIG_BUCKET is not set; '
      + 'GUARD_CONFIG_KEY is not set; GUARD_CONFIG_BUCKET_OWNER is not set; GUARD_SERVICE_EXECUTION_ROLE_ARN is not set'));
  });

  test.each([
    { value: 'true', expected: true },
    { value: 'false', expected: undefined },
    { value: undefined, expected: undefined },
  ])('GUARD_CLOUDFORMATION_MANAGED=$value: cloudFormationManaged $expected', ({ value, expected }) => {
    const settings = readHandlerConfig(envWith({ [ENV.CLOUDFORMATION_MANAGED]: value })).settings;
    expect(settings.cloudFormationManaged).toBe(expected);
    expect('cloudFormationManaged' in settings).toBe(expected !== undefined);
  });

  test.each([
    { case: 'RESTART_THEN_RECREATE', strategy: 'RESTART_THEN_RECREATE' },
    { case: 'RESTART_ONLY', strategy: 'RESTART_ONLY' },
    { case: 'RECREATE', strategy: 'RECREATE' },
    { case: 'NOTIFY_ONLY', strategy: 'NOTIFY_ONLY' },
  ])('accepts strategy $case', ({ strategy }) => {
    expect(readHandlerConfig(envWith({ [ENV.STRATEGY]: strategy })).settings.strategy).toBe(strategy);
  });

  test.each([
    { case: '"true" allows an offset reset', value: 'true', expected: true },
    { case: '"false" does not', value: 'false', expected: false },
    { case: 'unset does not', value: undefined, expected: false },
    { case: '"TRUE" (not the exact word) does not', value: 'TRUE', expected: false },
    { case: '"1" does not', value: '1', expected: false },
  ])('$case', ({ value, expected }) => {
    expect(readHandlerConfig(envWith({ [ENV.ALLOW_OFFSET_RESET]: value })).settings.allowOffsetReset).toBe(expected);
  });

  test.each([
    { case: 'zero seconds is allowed', name: ENV.COOLDOWN_SECONDS, value: '0', field: 'cooldownMs', expected: 0 },
    { case: 'fractional seconds are kept', name: ENV.VERIFY_SECONDS, value: '1.5', field: 'verifyMs', expected: 1500 },
    { case: 'budget of one is allowed', name: ENV.BUDGET, value: '1', field: 'budget', expected: 1 },
    { case: 'operation timeout', name: ENV.OPERATION_TIMEOUT_SECONDS, value: '1200', field: 'operationTimeoutMs', expected: 1_200_000 },
    { case: 'scheduled restart interval', name: ENV.SCHEDULED_RESTART_INTERVAL_SECONDS, value: '86400', field: 'scheduledRestartIntervalMs', expected: 86_400_000 },
  ])('$case', ({ name, value, field, expected }) => {
    const settings = readHandlerConfig(envWith({ [name]: value })).settings as unknown as Record<string, unknown>;
    expect(settings[field]).toBe(expected);
  });

  test.each([
    { case: 'connector name missing', overrides: { [ENV.CONNECTOR_NAME]: undefined }, message: 'recovery function misconfigured: GUARD_CONNECTOR_NAME is not set' },
    { case: 'connector name empty', overrides: { [ENV.CONNECTOR_NAME]: '' }, message: 'recovery function misconfigured: GUARD_CONNECTOR_NAME is not set' },
    { case: 'config bucket missing', overrides: { [ENV.CONFIG_BUCKET]: undefined }, message: 'recovery function misconfigured: GUARD_CONFIG_BUCKET is not set' },
    { case: 'config key missing', overrides: { [ENV.CONFIG_KEY]: undefined }, message: 'recovery function misconfigured: GUARD_CONFIG_KEY is not set' },
    {
      case: 'config bucket owner missing',
      overrides: { [ENV.CONFIG_BUCKET_OWNER]: undefined },
      message: 'recovery function misconfigured: GUARD_CONFIG_BUCKET_OWNER is not set',
    },
    {
      case: 'role missing',
      overrides: { [ENV.SERVICE_EXECUTION_ROLE_ARN]: undefined },
      message: 'recovery function misconfigured: GUARD_SERVICE_EXECUTION_ROLE_ARN is not set',
    },
    { case: 'topic missing', overrides: { [ENV.TOPIC_ARN]: undefined }, message: 'recovery function misconfigured: GUARD_TOPIC_ARN is not set' },
    { case: 'state table missing', overrides: { [ENV.STATE_TABLE]: undefined }, message: 'recovery function misconfigured: GUARD_STATE_TABLE is not set' },
    { case: 'alarm name missing', overrides: { [ENV.ALARM_NAME]: undefined }, message: 'recovery function misconfigured: GUARD_ALARM_NAME is not set' },
    { case: 'strategy missing', overrides: { [ENV.STRATEGY]: undefined }, message: 'recovery function misconfigured: GUARD_STRATEGY is not set' },
    {
      case: 'strategy unknown',
      overrides: { [ENV.STRATEGY]: 'RESTART' },
      message: 'recovery function misconfigured: GUARD_STRATEGY must be one of RESTART_THEN_RECREATE, RESTART_ONLY, RECREATE, NOTIFY_ONLY, got "RESTART"',
    },
    {
      case: 'strategy in the wrong case',
      overrides: { [ENV.STRATEGY]: 'restart_only' },
      message: 'recovery function misconfigured: GUARD_STRATEGY must be one of RESTART_THEN_RECREATE, RESTART_ONLY, RECREATE, NOTIFY_ONLY, got "restart_only"',
    },
    {
      case: 'cooldown missing',
      overrides: { [ENV.COOLDOWN_SECONDS]: undefined },
      message: 'recovery function misconfigured: GUARD_COOLDOWN_SECONDS is not set',
    },
    {
      case: 'cooldown not a number',
      overrides: { [ENV.COOLDOWN_SECONDS]: '5m' },
      message: 'recovery function misconfigured: GUARD_COOLDOWN_SECONDS must be a non-negative number, got "5m"',
    },
    {
      case: 'budget window negative',
      overrides: { [ENV.BUDGET_WINDOW_SECONDS]: '-1' },
      message: 'recovery function misconfigured: GUARD_BUDGET_WINDOW_SECONDS must be a non-negative number, got "-1"',
    },
    {
      case: 'verify seconds infinite',
      overrides: { [ENV.VERIFY_SECONDS]: 'Infinity' },
      message: 'recovery function misconfigured: GUARD_VERIFY_SECONDS must be a non-negative number, got "Infinity"',
    },
    {
      case: 'operation timeout not a number',
      overrides: { [ENV.OPERATION_TIMEOUT_SECONDS]: 'NaN' },
      message: 'recovery function misconfigured: GUARD_OPERATION_TIMEOUT_SECONDS must be a non-negative number, got "NaN"',
    },
    {
      case: 'budget zero',
      overrides: { [ENV.BUDGET]: '0' },
      message: 'recovery function misconfigured: GUARD_BUDGET must be a positive integer, got "0"',
    },
    {
      case: 'budget fractional',
      overrides: { [ENV.BUDGET]: '2.5' },
      message: 'recovery function misconfigured: GUARD_BUDGET must be a positive integer, got "2.5"',
    },
    {
      case: 'budget not a number',
      overrides: { [ENV.BUDGET]: 'three' },
      message: 'recovery function misconfigured: GUARD_BUDGET must be a positive integer, got "three"',
    },
    {
      // A missing budget is reported twice: as unset, and as not a positive integer.
      case: 'budget missing',
      overrides: { [ENV.BUDGET]: undefined },
      message: 'recovery function misconfigured: GUARD_BUDGET is not set; GUARD_BUDGET must be a positive integer, got undefined',
    },
    {
      case: 'several problems are all named, in a stable order',
      overrides: { [ENV.STRATEGY]: 'FIX_IT', [ENV.BUDGET]: '-2', [ENV.CONNECTOR_NAME]: undefined, [ENV.VERIFY_SECONDS]: 'x', [ENV.TOPIC_ARN]: '' },
      message: 'recovery function misconfigured: '
        + 'GUARD_STRATEGY must be one of RESTART_THEN_RECREATE, RESTART_ONLY, RECREATE, NOTIFY_ONLY, got "FIX_IT"; '
        + 'GUARD_BUDGET must be a positive integer, got "-2"; '
        + 'GUARD_CONNECTOR_NAME is not set; '
        + 'GUARD_VERIFY_SECONDS must be a non-negative number, got "x"; '
        + 'GUARD_TOPIC_ARN is not set',
    },
  ])('throws when $case', ({ overrides, message }) => {
    expect(() => readHandlerConfig(envWith(overrides))).toThrow(new Error(message));
  });

  test('an empty environment names every required variable', () => {
    expect(() => readHandlerConfig({})).toThrow(new Error('recovery function misconfigured: '
      + 'GUARD_STRATEGY is not set; '
      + 'GUARD_BUDGET is not set; GUARD_BUDGET must be a positive integer, got undefined; '
      + 'GUARD_CONNECTOR_NAME is not set; '
      + 'GUARD_COOLDOWN_SECONDS is not set; '
      + 'GUARD_BUDGET_WINDOW_SECONDS is not set; '
      + 'GUARD_VERIFY_SECONDS is not set; '
      + 'GUARD_OPERATION_TIMEOUT_SECONDS is not set; '
      + 'GUARD_CONFIG_BUCKET is not set; '
      + 'GUARD_CONFIG_KEY is not set; '
      + 'GUARD_CONFIG_BUCKET_OWNER is not set; '
      + 'GUARD_SERVICE_EXECUTION_ROLE_ARN is not set; '
      + 'GUARD_TOPIC_ARN is not set; '
      + 'GUARD_STATE_TABLE is not set; '
      + 'GUARD_ALARM_NAME is not set'));
  });
});

test('without a schedule interval, the settings have none (a scheduled restart is then refused)', () => {
  expect(readHandlerConfig(envWith({ [ENV.SCHEDULED_RESTART_INTERVAL_SECONDS]: undefined })).settings).not.toHaveProperty('scheduledRestartIntervalMs');
  expect(() => readHandlerConfig(envWith({ [ENV.SCHEDULED_RESTART_INTERVAL_SECONDS]: 'daily' })))
    .toThrow('GUARD_SCHEDULED_RESTART_INTERVAL_SECONDS must be a non-negative number, got "daily"');
});

describe('triggerOf', () => {
  const alarmEvent = {
    'version': '0',
    'id': 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    'source': 'aws.cloudwatch',
    'account': '123456789012',
    'time': '2025-06-01T12:00:00Z',
    'region': 'eu-west-1',
    'resources': ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-cdc-silent-failure'],
    'detail': { alarmName: 'orders-cdc-silent-failure', state: { value: 'ALARM' }, previousState: { value: 'OK' } },
  };

  test.each([
    { case: 'EventBridge alarm state change (to ALARM)', event: alarmEvent, expected: 'ALARM' },
    {
      case: 'EventBridge alarm state change (back to OK) is still an ALARM trigger',
      event: { ...alarmEvent, detail: { ...alarmEvent.detail, state: { value: 'OK' } } },
      expected: 'ALARM',
    },
    { case: 'reconcile tick', event: { trigger: 'tick' }, expected: 'TICK' },
    { case: 'scheduled restart', event: { trigger: 'scheduled-restart' }, expected: 'SCHEDULED_RESTART' },
    { case: 'manual recover', event: { action: 'recover' }, expected: 'MANUAL_RECOVER' },
    { case: 'manual reset', event: { action: 'reset' }, expected: 'MANUAL_RESET' },
    { case: 'manual status', event: { action: 'status' }, expected: 'STATUS' },
    { case: 'the alarm event wins over a trigger field', event: { ...alarmEvent, trigger: 'scheduled-restart' }, expected: 'ALARM' },
    { case: 'a trigger field wins over an action field', event: { trigger: 'tick', action: 'reset' }, expected: 'TICK' },
    { case: 'an unknown trigger falls through to the action', event: { trigger: 'later', action: 'status' }, expected: 'STATUS' },
    { case: 'another EventBridge detail type', event: { ...alarmEvent, 'detail-type': 'Scheduled Event' }, expected: undefined },
    { case: 'trigger in the wrong case', event: { trigger: 'TICK' }, expected: undefined },
    { case: 'action in the wrong case', event: { action: 'RECOVER' }, expected: undefined },
    { case: 'unknown action', event: { action: 'delete' }, expected: undefined },
    { case: 'empty object', event: {}, expected: undefined },
    { case: 'array', event: ['tick'], expected: undefined },
    { case: 'null', event: null, expected: undefined },
    { case: 'undefined', event: undefined, expected: undefined },
    { case: 'string', event: 'tick', expected: undefined },
    { case: 'number', event: 42, expected: undefined },
  ])('$case', ({ event, expected }) => {
    expect(triggerOf(event)).toBe(expected);
  });
});

describe('readFleetConfig', () => {
  /** A fleet's environment: no connector, no stored request, no alarm. */
  const FLEET_ENV: Record<string, string | undefined> = {
    ...FULL_ENV,
    [ENV.CONNECTOR_NAME]: undefined,
    [ENV.CONFIG_BUCKET]: undefined,
    [ENV.CONFIG_KEY]: undefined,
    [ENV.CONFIG_BUCKET_OWNER]: undefined,
    [ENV.SERVICE_EXECUTION_ROLE_ARN]: undefined,
    [ENV.ALARM_NAME]: undefined,
    [ENV.FLEET_ID]: 'Stack-Fleet-1A2B3C4D',
    [ENV.FLEET_CONCURRENCY]: '4',
  };

  test('a fleet\'s environment is told apart by its fleet ID, and read without any connector', () => {
    expect(isFleet(FLEET_ENV)).toBe(true);
    expect(isFleet(FULL_ENV)).toBe(false);
    expect(readFleetConfig(FLEET_ENV)).toEqual({
      fleetId: 'Stack-Fleet-1A2B3C4D',
      settings: {
        connectorName: '',
        strategy: 'RESTART_THEN_RECREATE',
        allowOffsetReset: false,
        cooldownMs: 300_000,
        budget: 3,
        budgetWindowMs: 21_600_000,
        verifyMs: 600_000,
        operationTimeoutMs: 900_000,
      },
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:guard',
      stateTable: 'guard-state',
      metricsNamespace: 'DebeziumGuard',
      concurrency: 4,
    });
  });

  test('names every problem, the concurrency included', () => {
    expect(() => readFleetConfig({ ...FLEET_ENV, [ENV.FLEET_CONCURRENCY]: '0', [ENV.TOPIC_ARN]: undefined })).toThrow(
      'recovery function misconfigured: GUARD_FLEET_CONCURRENCY must be a positive integer, got "0"; GUARD_TOPIC_ARN is not set');
  });
});

describe('connectorOf', () => {
  test.each([
    { case: 'a guard composite alarm', event: { 'detail-type': 'CloudWatch Alarm State Change', 'detail': { alarmName: 'orders-debezium-guard' } }, expected: 'orders' },
    { case: 'a signal alarm', event: { 'detail-type': 'CloudWatch Alarm State Change', 'detail': { alarmName: 'orders-debezium-guard-crash-loop' } }, expected: undefined },
    { case: 'the bare suffix', event: { 'detail-type': 'CloudWatch Alarm State Change', 'detail': { alarmName: '-debezium-guard' } }, expected: undefined },
    { case: 'a manual action', event: { action: 'recover', connector: 'orders' }, expected: 'orders' },
    { case: 'a manual action without a connector', event: { action: 'recover' }, expected: undefined },
    { case: 'a connector that is not a string', event: { action: 'recover', connector: 7 }, expected: undefined },
    { case: 'a tick', event: { trigger: 'tick' }, expected: undefined },
  ])('$case', ({ event, expected }) => {
    expect(connectorOf(event)).toBe(expected);
  });
});
