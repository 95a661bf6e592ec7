import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { parseConnectorArn } from './connector-arn';
import { memberProblems } from './fleet/member-validation';
import { TUNING_PROPS, type GuardSettings } from './guard-settings';
import type { GuardSpec } from './guard-spec';
import type { NotificationProps } from './notification-topic';
import { AlarmTuning, RecoveryStrategy } from './props';
import { DebeziumGuardWarnings } from './warnings';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONNECTOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A URL's scheme (`s3://`, `https://`): a configKey that starts with one is a URL, not a key. */
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Resolves the connector name and checks every prop and the settings made of them, collecting all
 * problems and throwing once, with the guard's construct path, so that a user fixes them in one
 * pass and knows which guard of a stack failed. Unresolved tokens are skipped, never rejected.
 *
 * @param settings the props with their defaults filled in (`settle`)
 * @param cloudFormationManaged the guard was built by `fromCfnConnector`
 * @returns the connector name (literal or token)
 */
export function validateProps(scope: Construct, props: GuardSpec, settings: GuardSettings, cloudFormationManaged: boolean): string {
  const problems: string[] = [];
  const arn = parseConnectorArn(props.connectorArn);
  const arnIsToken = Token.isUnresolved(props.connectorArn);

  if (!arnIsToken && !arn) {
    problems.push(`connectorArn must be an MSK Connect connector ARN (arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<id>), got "${props.connectorArn}"`);
  }
  if (arnIsToken && props.connectorName === undefined) {
    problems.push('connectorName is required when connectorArn is a token (a parameter or an attribute): the name cannot be read from it at synth time');
  }
  const nameLiteral = props.connectorName !== undefined && !Token.isUnresolved(props.connectorName);
  if (nameLiteral && !CONNECTOR_NAME.test(props.connectorName!)) {
    problems.push(`connectorName must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit, got "${props.connectorName}"`);
  }
  if (arn && nameLiteral && arn.name !== props.connectorName) {
    problems.push(`connectorName "${props.connectorName}" does not match the name in connectorArn ("${arn.name}"); omit connectorName or make them agree`);
  }
  if (arn) {
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(stack.region) && stack.region !== arn.region) {
      problems.push(`connectorArn is in region ${arn.region} but the stack deploys to ${stack.region}; deploy the guard in the connector's region`);
    }
    if (!Token.isUnresolved(stack.account) && stack.account !== arn.account) {
      problems.push(`connectorArn is in account ${arn.account} but the stack deploys to ${stack.account}; deploy the guard in the connector's account`);
    }
  }
  if (props.configKey !== undefined && !Token.isUnresolved(props.configKey)) {
    if (props.configKey.length === 0 || props.configKey.startsWith('/')) {
      problems.push(`configKey must be a non-empty S3 object key without a leading '/', got "${props.configKey}"`);
    } else if (URL_SCHEME.test(props.configKey)) {
      // IAM would grant s3:GetObject on a key named "s3://bucket/key" inside configBucket, which does not exist.
      problems.push(`configKey must be an S3 object key relative to configBucket, such as "path/to/request.json", not a URL, got "${props.configKey}"; `
        + 'give the bucket as configBucket and only the part after it as configKey');
    }
  }
  const strategy = props.recoveryStrategy;
  if (cloudFormationManaged && (strategy === RecoveryStrategy.RESTART_THEN_RECREATE || strategy === RecoveryStrategy.RECREATE)) {
    problems.push(`recoveryStrategy must be RESTART_ONLY or NOTIFY_ONLY for a connector that CloudFormation manages (fromCfnConnector), got ${strategy}: `
      + 're-created behind CloudFormation\'s back, it would get a new ARN its stack does not know; to replace the connector, change it in its own stack and deploy that');
  }

  // Every Duration prop, before anything converts one: aws-cdk-lib's own conversion errors do not name the prop.
  const usable = durationProblems(problems, props);
  positive(problems, 'offsetCommitWindow', props.offsetCommitWindow);
  positive(problems, 'offsetFlushInterval', props.offsetFlushInterval);
  if (props.offsetCommitWindow && props.offsetCommitAlarm?.evaluationPeriods !== undefined) {
    problems.push('offsetCommitWindow and offsetCommitAlarm.evaluationPeriods both set the offset-commit window; set only one');
  }
  const offsetPeriod = settings.offsetCommitAlarm.period;
  const offsetWindow = settings.offsetCommitWindow;
  if (props.offsetCommitAlarm?.evaluationPeriods === undefined && usable(offsetWindow) && usable(offsetPeriod)) {
    const window = offsetWindow.toSeconds();
    const period = offsetPeriod.toSeconds();
    if (window > 0 && period > 0 && window % period !== 0) {
      problems.push(props.offsetCommitWindow
        ? `offsetCommitWindow must be a whole number of offsetCommitAlarm.period (${period} s), got ${window} s`
        : `offsetCommitAlarm.period (${period} s) must divide the default offsetCommitWindow (${window} s); set offsetCommitWindow to a multiple of the period, or choose a period that divides ${window} s`);
    }
  }
  // The offset-commit alarm's default evaluation periods come from the window and the period: known
  // only when both are.
  const resolvable = usable(offsetWindow) && usable(offsetPeriod);
  for (const prop of TUNING_PROPS) {
    const derived = prop === 'offsetCommitAlarm';
    tuning(problems, prop, props[prop], derived && !resolvable ? undefined : settings[prop].evaluationPeriods,
      derived ? 'offsetCommitWindow / period' : 'the default', usable);
  }
  if (props.connectedAlarm && !props.connectedMetric) {
    problems.push('connectedAlarm is set but connectedMetric is not; pass connectedMetric or remove connectedAlarm');
  }
  if ((props.lagAlarm || props.lagThreshold) && !props.lagMetric) {
    problems.push('lagAlarm or lagThreshold is set but lagMetric is not; pass lagMetric or remove them');
  }
  positive(problems, 'lagThreshold', props.lagThreshold);
  positiveInteger(problems, 'expectedRunningTasks', props.expectedRunningTasks);
  positiveInteger(problems, 'recoveryBudget', props.recoveryBudget);
  positive(problems, 'recoveryBudgetWindow', props.recoveryBudgetWindow);
  positive(problems, 'recoveryVerificationPeriod', props.recoveryVerificationPeriod);
  positive(problems, 'operationTimeout', props.operationTimeout);
  // recoveryCooldown may be zero; a negative Duration cannot be built (aws-cdk-lib's constructor refuses it).

  notificationProblems(problems, props, 'guard');
  if (props.preventiveRestartEnabled && !props.preventiveRestartSchedule) {
    problems.push('preventiveRestartEnabled is true but preventiveRestartSchedule is not set; give a schedule such as events.Schedule.cron({ hour: "2", minute: "0" })');
  }
  if (props.preventiveRestartSchedule) {
    const problem = scheduleProblem(props.preventiveRestartSchedule.expressionString);
    if (problem) {
      problems.push(`preventiveRestartSchedule ${problem}, got "${props.preventiveRestartSchedule.expressionString}"`);
    }
  }
  if (props.dashboardName !== undefined && !props.createDashboard) {
    problems.push('dashboardName is set but createDashboard is not true; set createDashboard: true or drop dashboardName');
  }

  problems.push(...memberProblems(scope, props));

  if (problems.length > 0) {
    throw new Error(`Invalid DebeziumSilentFailureGuard props at ${scope.node.path}:\n- ${problems.join('\n- ')}`);
  }
  warn(scope, props, settings);
  return props.connectorName ?? arn!.name;
}

function warn(scope: Construct, props: GuardSpec, settings: GuardSettings): void {
  const annotations = Annotations.of(scope);
  // The window a healthy connector must commit within: a datapointsToAlarm below the evaluation
  // periods shortens it (2 of 5 alarms on any 2 silent periods).
  const { period, evaluationPeriods, datapointsToAlarm: datapoints } = settings.offsetCommitAlarm;
  const window = settings.offsetCommitWindow;
  const flush = settings.offsetFlushInterval;
  const resolved = ![period, window, flush].some((d) => d.isUnresolved()) && ![evaluationPeriods, datapoints].some((n) => Token.isUnresolved(n));
  if (resolved) {
    const effective = period.toSeconds() * datapoints;
    const minimum = Math.max(180, 3 * flush.toSeconds());
    if (effective < minimum) {
      const how = datapoints < evaluationPeriods ? ` (offsetCommitAlarm.datapointsToAlarm ${datapoints} of ${evaluationPeriods} periods of ${period.toSeconds()} s)` : '';
      annotations.addWarningV2(DebeziumGuardWarnings.SHORT_OFFSET_COMMIT_WINDOW,
        `offsetCommitWindow is ${effective} s${how}: Kafka Connect commits offsets every offset.flush.interval.ms (offsetFlushInterval, ${flush.toSeconds()} s${props.offsetFlushInterval ? '' : ' by default'}), so a window under ${minimum} s (3 minutes, or 3 flush intervals if longer) alarms on healthy connectors between two commits`);
    }
  }
  if (props.recoveryStrategy === RecoveryStrategy.NOTIFY_ONLY) {
    annotations.addWarningV2(DebeziumGuardWarnings.NOTIFY_ONLY, 'recoveryStrategy is NOTIFY_ONLY: the guard notifies but never restarts or re-creates the connector');
  }
  if (props.allowOffsetReset) {
    annotations.addWarningV2(DebeziumGuardWarnings.OFFSET_RESET_ALLOWED,
      'allowOffsetReset is true: a recreate may start from no committed offsets (Debezium re-snapshots, or with snapshot.mode=never skips changes)');
  }
  if (props.offsetCommitAlarm?.treatMissingData && props.offsetCommitAlarm.treatMissingData !== cloudwatch.TreatMissingData.BREACHING) {
    annotations.addWarningV2(DebeziumGuardWarnings.OFFSET_COMMIT_MISSING_DATA_NOT_BREACHING,
      `offsetCommitAlarm.treatMissingData is ${props.offsetCommitAlarm.treatMissingData}: a connector that stopped logging commits produces no data, so the alarm may never fire`);
  }
  // The Debezium metrics' alarms are left out: their metrics are the caller's, at whatever resolution.
  for (const prop of TUNING_PROPS.filter((p) => p !== 'connectedAlarm' && p !== 'lagAlarm')) {
    const t = props[prop];
    if (t?.period && !t.period.isUnresolved() && t.period.toSeconds() < 60) {
      annotations.addWarningV2(DebeziumGuardWarnings.SUB_MINUTE_PERIOD,
        `${prop}.period is ${t.period.toSeconds()} s: metric filter and AWS/KafkaConnect metrics have 1-minute resolution, so most shorter periods read as missing data`);
    }
  }
  if (props.preventiveRestartSchedule && !props.preventiveRestartEnabled) {
    annotations.addWarningV2(DebeziumGuardWarnings.PREVENTIVE_RESTART_DISABLED,
      'preventiveRestartSchedule is set but preventiveRestartEnabled is not: the rule is created disabled');
  }
}

/**
 * Checks one alarm's tuning. `defaultEvaluationPeriods` is what the signal uses when
 * `evaluationPeriods` is not set (undefined when it cannot be known at synth time), so that a
 * `datapointsToAlarm` above it is caught here and not by CloudFormation at deploy time.
 */
function tuning(
  problems: string[], prop: string, t: AlarmTuning | undefined, defaultEvaluationPeriods: number | undefined, defaultFrom: string,
  usable: (d: Duration) => boolean,
): void {
  if (!t) {
    return;
  }
  if (t.period && usable(t.period)) {
    const s = t.period.toSeconds();
    if (!(s === 10 || s === 30 || (s > 0 && s % 60 === 0))) {
      problems.push(`${prop}.period must be 10 s, 30 s or a multiple of 60 s, got ${s} s`);
    }
  }
  positiveInteger(problems, `${prop}.evaluationPeriods`, t.evaluationPeriods);
  positiveInteger(problems, `${prop}.datapointsToAlarm`, t.datapointsToAlarm);
  if (t.datapointsToAlarm === undefined || Token.isUnresolved(t.datapointsToAlarm)) {
    return;
  }
  if (t.evaluationPeriods !== undefined) {
    if (!Token.isUnresolved(t.evaluationPeriods) && t.datapointsToAlarm > t.evaluationPeriods) {
      problems.push(`${prop}.evaluationPeriods (${t.evaluationPeriods}) must be at least ${prop}.datapointsToAlarm (${t.datapointsToAlarm})`);
    }
  } else if (defaultEvaluationPeriods !== undefined && t.datapointsToAlarm > defaultEvaluationPeriods) {
    problems.push(`${prop}.datapointsToAlarm (${t.datapointsToAlarm}) must be at most its evaluation periods (${defaultEvaluationPeriods}, ${defaultFrom}); set ${prop}.evaluationPeriods to at least ${t.datapointsToAlarm} or lower datapointsToAlarm`);
  }
}

/**
 * Checks every Duration prop for what the guard's own conversions need: a whole number of seconds
 * (`lagThreshold`: of milliseconds), not negative. Without it, `toSeconds()` fails inside aws-cdk-lib
 * ("0.5 must be a whole number of seconds.") without naming the prop. (aws-cdk-lib 2.x refuses a
 * negative amount when the Duration is built, in the caller's code, before any prop exists.)
 *
 * @returns whether a Duration (a prop or a default) can be converted: resolved and not reported here
 */
export function durationProblems(problems: string[], props: Partial<GuardSpec>): (d: Duration) => boolean {
  const rejected = new Set<Duration>();
  const check = (prop: string, d: Duration | undefined, unit: 'seconds' | 'milliseconds' = 'seconds') => {
    if (!d || d.isUnresolved()) {
      return;
    }
    const ms = d.toMilliseconds({ integral: false });
    if (!Number.isInteger(unit === 'seconds' ? ms / 1000 : ms)) {
      rejected.add(d);
      problems.push(`${prop} must be a whole number of ${unit}, got ${d}`);
    } else if (ms < 0) {
      rejected.add(d);
      problems.push(`${prop} must not be negative, got ${d}`);
    }
  };
  check('offsetCommitWindow', props.offsetCommitWindow);
  check('offsetFlushInterval', props.offsetFlushInterval);
  check('lagThreshold', props.lagThreshold, 'milliseconds');
  check('recoveryCooldown', props.recoveryCooldown);
  check('recoveryBudgetWindow', props.recoveryBudgetWindow);
  check('recoveryVerificationPeriod', props.recoveryVerificationPeriod);
  check('operationTimeout', props.operationTimeout);
  for (const prop of TUNING_PROPS) {
    check(`${prop}.period`, props[prop]?.period);
  }
  return (d) => !d.isUnresolved() && !rejected.has(d);
}

export function positive(problems: string[], prop: string, d: Duration | undefined): void {
  if (d && !d.isUnresolved() && Number.isFinite(d.toMilliseconds({ integral: false })) && d.toMilliseconds({ integral: false }) <= 0) {
    problems.push(`${prop} must be positive, got ${d.toHumanString()}`);
  }
}

export function positiveInteger(problems: string[], prop: string, n: number | undefined): void {
  if (n !== undefined && !Token.isUnresolved(n) && (!Number.isInteger(n) || n < 1)) {
    problems.push(`${prop} must be a positive integer, got ${n}`);
  }
}

/** The problems of the props that choose where notices go (a guard's, or a fleet's). */
export function notificationProblems(problems: string[], props: NotificationProps, owner: 'guard' | 'fleet'): void {
  for (const email of props.alertEmails ?? []) {
    if (!Token.isUnresolved(email) && !EMAIL.test(email)) {
      problems.push(`alertEmails must hold e-mail addresses, got "${email}"`);
    }
  }
  if (props.topic && props.topicEncryptionKey) {
    problems.push(`topicEncryptionKey applies only to the topic the ${owner} creates; encrypt your own topic yourself or drop the topic prop`);
  }
}

/** Checks an EventBridge schedule expression; returns what is wrong, or undefined. */
export function scheduleProblem(expression: string): string | undefined {
  if (Token.isUnresolved(expression)) {
    return undefined;
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    return Number(rate[1]) > 0 ? undefined : 'must have a positive rate';
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) {
    return 'must be a cron(...) or rate(...) expression';
  }
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    return `must have 6 cron fields (minutes hours day-of-month month day-of-week year), has ${fields.length}`;
  }
  const [minutes, hours, dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'must set exactly one of day-of-month and day-of-week to "?"';
  }
  if (!inRange(minutes, 0, 59) || !inRange(hours, 0, 23)) {
    return 'has minutes outside 0-59 or hours outside 0-23';
  }
  return undefined;
}

/** True when every number in a cron field lies in [min, max]. */
function inRange(field: string, min: number, max: number): boolean {
  return (field.match(/\d+/g) ?? []).every((n) => Number(n) >= min && Number(n) <= max) && /^[\d*,/-]+$/.test(field);
}
