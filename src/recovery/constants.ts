/**
 * Names shared by the construct (which sets them) and the recovery function (which reads them).
 * Keep this file free of imports so both sides can use it.
 */

/** Environment variables of the recovery function. */
export const ENV = {
  CONNECTOR_NAME: 'GUARD_CONNECTOR_NAME',
  CONFIG_BUCKET: 'GUARD_CONFIG_BUCKET',
  CONFIG_KEY: 'GUARD_CONFIG_KEY',
  /** Account that owns the config bucket: the read sends it as `ExpectedBucketOwner`. */
  CONFIG_BUCKET_OWNER: 'GUARD_CONFIG_BUCKET_OWNER',
  SERVICE_EXECUTION_ROLE_ARN: 'GUARD_SERVICE_EXECUTION_ROLE_ARN',
  TOPIC_ARN: 'GUARD_TOPIC_ARN',
  STATE_TABLE: 'GUARD_STATE_TABLE',
  ALARM_NAME: 'GUARD_ALARM_NAME',
  STRATEGY: 'GUARD_STRATEGY',
  ALLOW_OFFSET_RESET: 'GUARD_ALLOW_OFFSET_RESET',
  COOLDOWN_SECONDS: 'GUARD_COOLDOWN_SECONDS',
  BUDGET: 'GUARD_BUDGET',
  BUDGET_WINDOW_SECONDS: 'GUARD_BUDGET_WINDOW_SECONDS',
  VERIFY_SECONDS: 'GUARD_VERIFY_SECONDS',
  OPERATION_TIMEOUT_SECONDS: 'GUARD_OPERATION_TIMEOUT_SECONDS',
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  /** `'true'` for a guard of a CloudFormation-managed connector (`fromCfnConnector`); not set otherwise. */
  CLOUDFORMATION_MANAGED: 'GUARD_CLOUDFORMATION_MANAGED',
  /**
   * The shortest time between two firings of the preventive restart schedule, in seconds; set only when
   * the guard has one. Without it the function refuses `{"trigger":"scheduled-restart"}`.
   */
  SCHEDULED_RESTART_INTERVAL_SECONDS: 'GUARD_SCHEDULED_RESTART_INTERVAL_SECONDS',
  /**
   * Set only for a fleet's function (`DebeziumGuardFleet`): the fleet's ID, the value of its members'
   * `MEMBER_TAG.FLEET`. Such a function guards every connector whose stall alarm carries it.
   */
  FLEET_ID: 'GUARD_FLEET_ID',
  /** A fleet's bound on the member recoveries one run makes at once. */
  FLEET_CONCURRENCY: 'GUARD_FLEET_CONCURRENCY',
} as const;

/** The end of every guard's composite alarm name (`<connector>-debezium-guard`). */
export const GUARD_ALARM_SUFFIX = '-debezium-guard';

/** The name of a connector's guard composite alarm. */
export function guardCompositeAlarmName(connectorName: string): string {
  return `${connectorName}${GUARD_ALARM_SUFFIX}`;
}

/** The connector a guard composite alarm is named after; undefined for any other alarm name. */
export function connectorOfGuardAlarm(alarmName: string): string | undefined {
  return alarmName.endsWith(GUARD_ALARM_SUFFIX) && alarmName.length > GUARD_ALARM_SUFFIX.length
    ? alarmName.slice(0, -GUARD_ALARM_SUFFIX.length) : undefined;
}

/**
 * The signals of a fleet member's alarms, each `<connector>-debezium-guard-<signal>`. A member has no
 * composite alarm: the fleet's function reads these instead. Any of the trigger signals in ALARM starts
 * its recovery; the stall alarm also carries its registration (`MEMBER_TAG`).
 */
export const MEMBER_SIGNAL = {
  /** No offset commit in the worker logs and no record polled or written (`FILL(commits,0) + FILL(polled,0) + FILL(written,0) <= 0`). */
  STALL: 'stall',
  /** A task in error, or fewer running tasks than expected. */
  TASKS: 'tasks',
  CONNECTED: 'connected',
  LAG: 'lag',
  /** No offset commit in the worker logs for the whole window: with the stall alarm OK, a log-delivery warning. */
  OFFSET_COMMITS: 'offset-commits',
} as const;

/** The member signals whose alarm in ALARM starts a recovery. */
export const MEMBER_TRIGGER_SIGNALS: readonly string[] = [MEMBER_SIGNAL.STALL, MEMBER_SIGNAL.TASKS, MEMBER_SIGNAL.CONNECTED, MEMBER_SIGNAL.LAG];

/** The name of a guard's signal alarm, a single guard's or a fleet member's (`<connector>-debezium-guard-<signal>`). */
export function guardSignalAlarmName(connectorName: string, signal: string): string {
  return `${guardCompositeAlarmName(connectorName)}-${signal}`;
}

/** The connector and signal of a fleet member's alarm, by its name; undefined for any other alarm name. */
export function memberAlarmOf(alarmName: string): { connector: string; signal: string } | undefined {
  for (const signal of Object.values(MEMBER_SIGNAL)) {
    const connector = connectorOfGuardAlarm(alarmName.endsWith(`-${signal}`) ? alarmName.slice(0, -signal.length - 1) : '');
    if (connector !== undefined) {
      return { connector, signal };
    }
  }
  return undefined;
}

/**
 * The tags on a fleet member's stall alarm: its registration with the fleet. The fleet's function
 * reads them (`cloudwatch:ListTagsForResource`) when the member needs it, so that a fleet of any size
 * needs no list of its members; each value is also bounded by the function's policy.
 */
export const MEMBER_TAG = {
  FLEET: 'debezium-guard:fleet',
  CONFIG_BUCKET: 'debezium-guard:config-bucket',
  CONFIG_KEY: 'debezium-guard:config-key',
  CONFIG_BUCKET_OWNER: 'debezium-guard:config-bucket-owner',
  SERVICE_EXECUTION_ROLE_ARN: 'debezium-guard:service-execution-role-arn',
} as const;

/** Namespace of the offset-commit metric the guard's metric filter creates (metric name: the connector's name). */
export const OFFSET_COMMIT_NAMESPACE = 'DebeziumGuard/OffsetCommits';

/** How far back the drill counts a connector's offset commits. */
export const DRILL_COMMIT_WINDOW_MS = 15 * 60_000;

/** The recovery strategies by name: the construct's `RecoveryStrategy` values, what the function reads from `GUARD_STRATEGY`. */
export const STRATEGY_NAMES = ['RESTART_THEN_RECREATE', 'RESTART_ONLY', 'RECREATE', 'NOTIFY_ONLY'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Whether a strategy restarts the connector (its role holds `RestartConnector`). */
export function mayRestart(strategy: string): boolean {
  return strategy !== 'NOTIFY_ONLY';
}

/** Whether a strategy deletes and re-creates the connector (its role holds the delete, the create, `iam:PassRole` and the read of the stored request). */
export function mayRecreate(strategy: string): boolean {
  return strategy === 'RESTART_THEN_RECREATE' || strategy === 'RECREATE';
}

/**
 * CloudWatch namespace of the recovery function's own metrics (Embedded Metric Format): what the
 * construct sets in `POWERTOOLS_METRICS_NAMESPACE`, and what the function falls back to without it.
 */
export const RECOVERY_METRICS_NAMESPACE = 'DebeziumGuard';

/** The recovery function's Powertools service name: in every log line, and the `service` dimension of its metrics. */
export const RECOVERY_SERVICE_NAME = 'debezium-guard';

/** Metric names the recovery function emits, dimensioned by `ConnectorName`. */
export const RECOVERY_METRIC = {
  /** A recovery step was started (restart or recreate), dimension `Step`. */
  STEP_STARTED: 'RecoveryStepStarted',
  /** An incident ended with the alarm back to OK after a recovery. */
  RECOVERED: 'Recovered',
  /** Seconds from the incident's start to the alarm clearing. */
  TIME_TO_RECOVER: 'TimeToRecoverSeconds',
  /** The guard stopped acting and asked a human. */
  ESCALATED: 'Escalated',
} as const;

/** The `trigger` field of the inputs the construct's rules send to the function. */
export const TRIGGER_INPUT = {
  TICK: 'tick',
  SCHEDULED_RESTART: 'scheduled-restart',
} as const;

/** The `action` field of a manual invocation (`aws lambda invoke --payload '{"action":"recover"}'`). */
export const MANUAL_ACTION = {
  RECOVER: 'recover',
  RESET: 'reset',
  STATUS: 'status',
  /** Checks what a recovery would need and says what it would do, changing nothing. */
  DRILL: 'drill',
} as const;

/**
 * The message of the line a fleet's tick logs for each member's record (its `connector`, `phase`,
 * `attemptsInBudgetWindow`, `lastRecoveryAttempt`): what the fleet dashboard's table reads.
 */
export const FLEET_STATUS_MESSAGE = 'member status';

/** The field of a manual invocation of a fleet's function that names the connector (`{"action":"status","connector":"orders"}`). */
export const CONNECTOR_FIELD = 'connector';

/**
 * The recovery function's timeout, and the lease a run holds on the connector's record. The lease
 * must outlast the longest run (the timeout), or a successor could act while a run still does.
 */
export const RECOVERY_FUNCTION_TIMEOUT_SECONDS = 120;
export const RECOVERY_LEASE_MS = 3 * 60_000;
