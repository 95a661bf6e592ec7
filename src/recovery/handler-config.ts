import { ENV, mayRecreate, RECOVERY_METRICS_NAMESPACE, STRATEGY_NAMES } from './constants';
import type { Settings, Strategy } from './model';


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
  /** The namespace of the function's metrics: the one the construct sets, else the guard's own (a local run sets none). */
  readonly metricsNamespace: string;
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
    metricsNamespace: env[ENV.METRICS_NAMESPACE] || RECOVERY_METRICS_NAMESPACE,
  };
  if (problems.length > 0) {
    throw new Error(`recovery function misconfigured: ${problems.join('; ')}`);
  }
  return config;
}
