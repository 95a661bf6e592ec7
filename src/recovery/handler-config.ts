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

/** Everything a fleet's function reads from its environment: the member's connector and stored request come from its tags. */
export interface FleetHandlerConfig {
  readonly fleetId: string;
  /** The fleet's settings; `connectorName` is empty, each member's run sets its own. */
  readonly settings: Settings;
  readonly topicArn: string;
  readonly stateTable: string;
  readonly metricsNamespace: string;
  /** How many member recoveries one run makes at once. */
  readonly concurrency: number;
}

/**
 * Reads the handler's configuration from the environment the construct set.
 * @throws Error naming every missing or malformed variable
 */
export function readHandlerConfig(env: Record<string, string | undefined>): HandlerConfig {
  const read = reader(env);
  const settings = readSettings(read, () => read.text(ENV.CONNECTOR_NAME));
  // Only a strategy that may re-create reads the stored request and passes a role: a restart-only or
  // notify-only guard (a CloudFormation-managed connector's, for one) is not given them.
  // (An unknown strategy is reported by readSettings; every variable is then asked for.)
  const recreating = mayRecreate(settings.strategy) || !(STRATEGY_NAMES as readonly string[]).includes(settings.strategy);
  const forRecreate = (name: string): string => (recreating ? read.text(name) : env[name] ?? '');
  const config: HandlerConfig = {
    settings,
    configBucket: forRecreate(ENV.CONFIG_BUCKET),
    configKey: forRecreate(ENV.CONFIG_KEY),
    configBucketOwner: forRecreate(ENV.CONFIG_BUCKET_OWNER),
    serviceExecutionRoleArn: forRecreate(ENV.SERVICE_EXECUTION_ROLE_ARN),
    topicArn: read.text(ENV.TOPIC_ARN),
    stateTable: read.text(ENV.STATE_TABLE),
    alarmName: read.text(ENV.ALARM_NAME),
    metricsNamespace: env[ENV.METRICS_NAMESPACE] || RECOVERY_METRICS_NAMESPACE,
  };
  read.done();
  return config;
}

/** Whether the environment is a fleet's (`DebeziumGuardFleet`), not one guard's. */
export function isFleet(env: Record<string, string | undefined>): boolean {
  return (env[ENV.FLEET_ID] ?? '') !== '';
}

/**
 * Reads a fleet function's configuration: the fleet's settings, topic and table.
 * @throws Error naming every missing or malformed variable
 */
export function readFleetConfig(env: Record<string, string | undefined>): FleetHandlerConfig {
  const read = reader(env);
  const concurrency = Number(read.text(ENV.FLEET_CONCURRENCY));
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    read.problem(`${ENV.FLEET_CONCURRENCY} must be a positive integer, got ${JSON.stringify(env[ENV.FLEET_CONCURRENCY])}`);
  }
  const config: FleetHandlerConfig = {
    fleetId: read.text(ENV.FLEET_ID),
    settings: readSettings(read, () => ''),
    topicArn: read.text(ENV.TOPIC_ARN),
    stateTable: read.text(ENV.STATE_TABLE),
    metricsNamespace: env[ENV.METRICS_NAMESPACE] || RECOVERY_METRICS_NAMESPACE,
    concurrency,
  };
  read.done();
  return config;
}

/** Reads variables and collects every problem, so that one error names them all. */
interface Reader {
  readonly env: Record<string, string | undefined>;
  text(name: string): string;
  seconds(name: string): number;
  problem(text: string): void;
  /** @throws Error naming every problem met */
  done(): void;
}

function reader(env: Record<string, string | undefined>): Reader {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      problems.push(`${name} is not set`);
      return '';
    }
    return value;
  };
  return {
    env,
    text,
    seconds: (name) => {
      const value = Number(text(name));
      if (!Number.isFinite(value) || value < 0) {
        problems.push(`${name} must be a non-negative number, got ${JSON.stringify(env[name])}`);
      }
      return value * 1000;
    },
    problem: (p) => problems.push(p),
    done: () => {
      if (problems.length > 0) {
        throw new Error(`recovery function misconfigured: ${problems.join('; ')}`);
      }
    },
  };
}

/** The pacing and strategy settings, the same for one guard and for a fleet. */
function readSettings(read: Reader, connectorName: () => string): Settings {
  const env = read.env;
  const strategy = read.text(ENV.STRATEGY) as Strategy;
  if (strategy && !(STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    read.problem(`${ENV.STRATEGY} must be one of ${STRATEGY_NAMES.join(', ')}, got ${JSON.stringify(strategy)}`);
  }
  const budget = Number(read.text(ENV.BUDGET));
  if (!Number.isInteger(budget) || budget < 1) {
    read.problem(`${ENV.BUDGET} must be a positive integer, got ${JSON.stringify(env[ENV.BUDGET])}`);
  }
  return {
    connectorName: connectorName(),
    strategy,
    allowOffsetReset: env[ENV.ALLOW_OFFSET_RESET] === 'true',
    cooldownMs: read.seconds(ENV.COOLDOWN_SECONDS),
    budget,
    budgetWindowMs: read.seconds(ENV.BUDGET_WINDOW_SECONDS),
    verifyMs: read.seconds(ENV.VERIFY_SECONDS),
    operationTimeoutMs: read.seconds(ENV.OPERATION_TIMEOUT_SECONDS),
    // Set only for a guard built from a CfnConnector; absent (not false) for every other guard.
    ...(env[ENV.CLOUDFORMATION_MANAGED] === 'true' ? { cloudFormationManaged: true } : {}),
    // Set only for a guard with a preventive restart schedule.
    ...(env[ENV.SCHEDULED_RESTART_INTERVAL_SECONDS] !== undefined
      ? { scheduledRestartIntervalMs: read.seconds(ENV.SCHEDULED_RESTART_INTERVAL_SECONDS) }
      : {}),
  };
}
