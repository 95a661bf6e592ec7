import { ENV, MANUAL_ACTION, mayRecreate, STRATEGY_NAMES, TRIGGER_INPUT } from './constants';
import type { Settings, Strategy, TriggerKind } from './model';


/** Everything the handler reads from its environment. */
export interface HandlerConfig {
  readonly settings: Settings;
  /** Empty for a strategy that never re-creates (RESTART_ONLY, NOTIFY_ONLY), which may be given none. */
  readonly configBucket: string;
  readonly configKey: string;
  /** The account that must own `configBucket` (S3 `ExpectedBucketOwner`); empty when `configBucket` is. */
  readonly configBucketOwner: string;
  readonly serviceExecutionRoleArn: string;
  readonly topicArn: string;
  readonly stateTable: string;
  readonly alarmName: string;
}

/**
 * Reads the handler's configuration from the environment the construct set.
 * @throws Error naming every missing or malformed variable
 */
export function readHandlerConfig(env: Record<string, string | undefined>): HandlerConfig {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      problems.push(`${name} is not set`);
      return '';
    }
    return value;
  };
  const seconds = (name: string): number => {
    const value = Number(text(name));
    if (!Number.isFinite(value) || value < 0) {
      problems.push(`${name} must be a non-negative number, got ${JSON.stringify(env[name])}`);
    }
    return value * 1000;
  };
  const strategy = text(ENV.STRATEGY) as Strategy;
  if (strategy && !(STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    problems.push(`${ENV.STRATEGY} must be one of ${STRATEGY_NAMES.join(', ')}, got ${JSON.stringify(strategy)}`);
  }
  // Only a strategy that may re-create reads the stored request and passes a role: a restart-only or
  // notify-only guard (a CloudFormation-managed connector's, for one) is not given them.
  // (An unknown strategy is reported above; every variable is then asked for.)
  const recreating = mayRecreate(strategy) || !(STRATEGY_NAMES as readonly string[]).includes(strategy);
  const forRecreate = (name: string): string => (recreating ? text(name) : env[name] ?? '');
  const budget = Number(text(ENV.BUDGET));
  if (!Number.isInteger(budget) || budget < 1) {
    problems.push(`${ENV.BUDGET} must be a positive integer, got ${JSON.stringify(env[ENV.BUDGET])}`);
  }
  const config: HandlerConfig = {
    settings: {
      connectorName: text(ENV.CONNECTOR_NAME),
      strategy,
      allowOffsetReset: env[ENV.ALLOW_OFFSET_RESET] === 'true',
      cooldownMs: seconds(ENV.COOLDOWN_SECONDS),
      budget,
      budgetWindowMs: seconds(ENV.BUDGET_WINDOW_SECONDS),
      verifyMs: seconds(ENV.VERIFY_SECONDS),
      operationTimeoutMs: seconds(ENV.OPERATION_TIMEOUT_SECONDS),
      // Set only for a guard built from a CfnConnector; absent (not false) for every other guard.
      ...(env[ENV.CLOUDFORMATION_MANAGED] === 'true' ? { cloudFormationManaged: true } : {}),
      // Set only for a guard with a preventive restart schedule.
      ...(env[ENV.SCHEDULED_RESTART_INTERVAL_SECONDS] !== undefined
        ? { scheduledRestartIntervalMs: seconds(ENV.SCHEDULED_RESTART_INTERVAL_SECONDS) }
        : {}),
    },
    configBucket: forRecreate(ENV.CONFIG_BUCKET),
    configKey: forRecreate(ENV.CONFIG_KEY),
    configBucketOwner: forRecreate(ENV.CONFIG_BUCKET_OWNER),
    serviceExecutionRoleArn: forRecreate(ENV.SERVICE_EXECUTION_ROLE_ARN),
    topicArn: text(ENV.TOPIC_ARN),
    stateTable: text(ENV.STATE_TABLE),
    alarmName: text(ENV.ALARM_NAME),
  };
  if (problems.length > 0) {
    throw new Error(`recovery function misconfigured: ${problems.join('; ')}`);
  }
  return config;
}

/** The events the function accepts, as its error for any other event names them. */
export const ACCEPTED_EVENTS = [
  'an EventBridge "CloudWatch Alarm State Change" event',
  `{"trigger":"${TRIGGER_INPUT.TICK}"}`,
  `{"trigger":"${TRIGGER_INPUT.SCHEDULED_RESTART}"}`,
  ...Object.values(MANUAL_ACTION).map((action) => `{"action":"${action}"}`),
].join(', ').replace(/, ([^,]*)$/, ' or $1');

/**
 * What a log line may say of an event the function refuses: its type and top-level keys, never its
 * values (anyone who may invoke the function chooses them, and may paste anything).
 */
export function eventShape(event: unknown): { type: string; keys?: string[] } {
  if (typeof event !== 'object' || event === null) {
    return { type: event === null ? 'null' : typeof event };
  }
  return { type: Array.isArray(event) ? 'array' : 'object', keys: Object.keys(event).slice(0, 20).map((key) => key.slice(0, 64)) };
}

/**
 * Maps an invocation payload to a trigger: an EventBridge alarm state change, one of the
 * construct's scheduled inputs, or a manual `{"action": ...}`.
 * @returns undefined for a payload the function does not handle
 */
export function triggerOf(event: unknown): TriggerKind | undefined {
  if (typeof event !== 'object' || event === null) {
    return undefined;
  }
  const e = event as Record<string, unknown>;
  if (e['detail-type'] === 'CloudWatch Alarm State Change') {
    return 'ALARM';
  }
  switch (e.trigger) {
    case TRIGGER_INPUT.TICK: return 'TICK';
    case TRIGGER_INPUT.SCHEDULED_RESTART: return 'SCHEDULED_RESTART';
  }
  switch (e.action) {
    case MANUAL_ACTION.RECOVER: return 'MANUAL_RECOVER';
    case MANUAL_ACTION.RESET: return 'MANUAL_RESET';
    case MANUAL_ACTION.STATUS: return 'STATUS';
  }
  return undefined;
}
