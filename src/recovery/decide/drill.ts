/**
 * The drill (`{"action":"drill"}`): what a real recovery would do now, and what it would need. Pure.
 * The verdict is never a policy of its own: it is what `decide` answers to the alarm event a real
 * incident would send, on what the drill observed; and, under a strategy that restarts first, what
 * it answers once that restart did not help. A drill that disagreed with the real run would be
 * worse than none.
 */
import { DRILL_COMMIT_WINDOW_MS, mayRecreate } from '../constants';
import { decide } from '../decide';
import { minutes } from '../duration';
import type {
  ConfigCheck, ConnectorView, Decision, DrillCheck, DrillReport, DrillVerdict, Observation, RecoveryRecord, RuleTarget, Settings,
} from '../model';
import { rulesCheck } from './drill-rules';
import { withinWindow } from './transitions';

/** What one read of the drill gave: its value, or the (scrubbed) error that stopped it. */
export type Observed<T> = { readonly value: T } | { readonly error: string };

/** Everything the drill observed, read-only. */
export interface DrillInput {
  readonly settings: Settings;
  /** The recovery record as stored (read without the lease; never written by the drill). */
  readonly record: RecoveryRecord;
  readonly now: number;
  /** The connector with exactly the guarded name (undefined: none exists). */
  readonly connector: Observed<ConnectorView | undefined>;
  /** The composite alarm; `missing` when it does not exist. */
  readonly alarm: Observed<Observation['alarm'] & { readonly missing?: boolean }>;
  /** The state of the restart the record follows, if any. */
  readonly operationState?: string;
  /**
   * The stored request, read, validated and compared with the running connector exactly as a recovery
   * reads it before a delete; or why the drill did not read it (`skipped`), or the error that stopped it.
   */
  readonly config: Observed<ConfigCheck> | { readonly skipped: string };
  /**
   * The offset commits the guard's metric filter counted in the last `DRILL_COMMIT_WINDOW_MS`, or the
   * error that stopped the count; absent when this function cannot count them.
   */
  readonly commits?: Observed<number>;
  /**
   * The targets of the EventBridge rules that invoke the function, or the error that stopped the read;
   * absent when the function does not know its own ARN.
   */
  readonly rules?: Observed<RuleTarget[]>;
  /** The alarm whose change to ALARM a rule must turn into a recovery (a single guard's composite alarm); absent for a fleet, which its tick starts. */
  readonly alarmName?: string;
  /** The checks this drill does not make, each with why. */
  readonly notChecked: ReadonlyArray<{ readonly check: string; readonly why: string }>;
}

/** The drill's check of the worker logs: what the offset-commit alarms count. */
export const COMMITS_CHECK = 'offset commits in the worker log group';

/** The drill's report: the verdict from the decision core, and each check's result. */
export function drillReport(input: DrillInput): DrillReport {
  return { ...verdicts(input), checks: checks(input) };
}

function verdicts(input: DrillInput): Pick<DrillReport, 'verdict' | 'ifRestartDoesNotHelp'> {
  const { settings, record, now } = input;
  if ('error' in input.connector) {
    return { verdict: refuse(`a real run would fail: the connector could not be looked up (${input.connector.error})`) };
  }
  if ('error' in input.alarm) {
    return { verdict: refuse(`a real run would fail: the composite alarm could not be read (${input.alarm.error})`) };
  }
  if (input.alarm.value.missing) {
    return { verdict: refuse('the guard\'s composite alarm does not exist: no alarm would start a recovery') };
  }
  const alarm = input.alarm.value;
  const configError = 'error' in input.config ? input.config.error : undefined;
  // The observation an incident would bring: the alarm in ALARM (its actions as they are now).
  const observation: Observation = {
    connector: input.connector.value,
    alarm: { state: 'ALARM', actionsEnabled: alarm.actionsEnabled, ...(alarm.state === 'ALARM' && alarm.triggeredBy ? { triggeredBy: alarm.triggeredBy } : {}) },
    ...(input.operationState !== undefined ? { operationState: input.operationState } : {}),
    ...('value' in input.config ? { config: input.config.value } : {}),
  };
  const first = decide({ record, observation, trigger: 'ALARM', settings, now });
  const verdict = verdictOf(first, configError);
  if (verdict.outcome !== 'WOULD_RESTART' || !mayRecreate(settings.strategy)) {
    return { verdict };
  }
  // The restart started and did not help: the verify window later, the alarm still in ALARM (a full
  // restart, not one of the failed tasks only: after a narrow one the next attempt restarts in full).
  const restarted: RecoveryRecord = { ...first.record, phase: 'VERIFYING', phaseSince: now, narrowRestart: undefined, restartUnconfirmed: undefined };
  const after = decide({ record: restarted, observation, trigger: 'TICK', settings, now: now + settings.verifyMs });
  return { verdict, ifRestartDoesNotHelp: verdictOf(after, configError) };
}

function verdictOf(decision: Decision, configError: string | undefined): DrillVerdict {
  switch (decision.action.kind) {
    case 'RESTART':
      return { outcome: 'WOULD_RESTART', because: decision.reason };
    case 'DELETE':
    case 'CREATE':
      return { outcome: 'WOULD_RECREATE', because: decision.reason };
    case 'LOAD_CONFIG':
      // The drill read the request whenever the strategy may re-create: only an error leaves it unread.
      return refuse(`a real run would fail: it must read the stored request before any delete, and it could not be read (${configError ?? 'not read'})`);
    case 'NONE':
      return { outcome: 'WOULD_REFUSE', because: decision.reason, ...(decision.notice ? { detail: decision.notice.seen } : {}) };
  }
}

function refuse(because: string): DrillVerdict {
  return { outcome: 'WOULD_REFUSE', because };
}

function checks(input: DrillInput): DrillCheck[] {
  return [
    connectorCheck(input),
    alarmCheck(input),
    rulesCheck(input.rules, input.alarmName),
    ...storedRequestChecks(input),
    recoveryStateCheck(input),
    ...(input.commits ? [commitsCheck(input.commits)] : []),
    ...input.notChecked.map(({ check, why }): DrillCheck => ({ check, status: 'NOT_CHECKED', detail: why })),
  ];
}

function commitsCheck(commits: Observed<number>): DrillCheck {
  const check = COMMITS_CHECK;
  const window = minutes(DRILL_COMMIT_WINDOW_MS);
  if ('error' in commits) {
    return { check, status: 'NOT_CHECKED', detail: `could not be counted: ${commits.error}` };
  }
  return commits.value > 0
    ? { check, status: 'OK', detail: `${commits.value} counted commit line(s) in the last ${window} (the guard's offset-commit metric)` }
    : {
      check,
      status: 'PROBLEM',
      detail: `none counted in the last ${window}: the guard would take it for a stall or a log-delivery gap. Check that the worker logs reach the log group `
        + '(logDelivery.workerLogDelivery), that offsetCommitPattern fits the Kafka Connect version, and that an idle database gets Debezium heartbeats',
    };
}

function connectorCheck(input: DrillInput): DrillCheck {
  const check = 'connector';
  if ('error' in input.connector) {
    return { check, status: 'PROBLEM', detail: `could not be looked up: ${input.connector.error}` };
  }
  const connector = input.connector.value;
  if (!connector) {
    return { check, status: 'PROBLEM', detail: `no connector is named exactly "${input.settings.connectorName}"` };
  }
  const version = connector.kafkaConnectVersion ? `, Kafka Connect ${connector.kafkaConnectVersion}` : '';
  return { check, status: connector.state === 'RUNNING' ? 'OK' : 'PROBLEM', detail: `found by name: ${connector.arn}, ${connector.state}${version}` };
}

function alarmCheck(input: DrillInput): DrillCheck {
  const check = 'composite alarm';
  if ('error' in input.alarm) {
    return { check, status: 'PROBLEM', detail: `could not be read: ${input.alarm.error}` };
  }
  const alarm = input.alarm.value;
  if (alarm.missing) {
    return { check, status: 'PROBLEM', detail: 'does not exist' };
  }
  return alarm.actionsEnabled
    ? { check, status: 'OK', detail: `exists, ${alarm.state}, actions enabled` }
    : { check, status: 'PROBLEM', detail: `exists, ${alarm.state}, actions disabled (the maintenance switch is on)` };
}

function storedRequestChecks(input: DrillInput): DrillCheck[] {
  const request = 'stored request';
  const comparison = 'stored request compared with the running connector';
  const offsets = 'worker configuration keeps offsets';
  if ('skipped' in input.config || 'error' in input.config) {
    const [status, why] = 'skipped' in input.config
      ? ['NOT_CHECKED' as const, input.config.skipped]
      : ['PROBLEM' as const, `could not be read: ${input.config.error}`];
    const notRead = 'not checked: the stored request was not read';
    return [
      { check: request, status, detail: why },
      { check: comparison, status: 'NOT_CHECKED', detail: notRead },
      { check: offsets, status: 'NOT_CHECKED', detail: notRead },
    ];
  }
  const config = input.config.value;
  return [
    config.request
      ? { check: request, status: 'OK', detail: 'read and valid' }
      : { check: request, status: 'PROBLEM', detail: `unusable: ${config.problems.join('; ')}` },
    comparisonCheck(input, comparison, config),
    !config.request
      ? { check: offsets, status: 'NOT_CHECKED', detail: 'not checked: the stored request is not usable' }
      : config.offsetsPreserved
        ? { check: offsets, status: 'OK', detail: 'the request names the latest revision of a worker configuration that sets offset.storage.topic, as the running connector uses' }
        : {
          check: offsets,
          status: 'PROBLEM',
          detail: `not proven: ${config.offsetsProblem ?? 'unknown reason'}${input.settings.allowOffsetReset ? ' (allowOffsetReset: a recreate would start from zero)' : ''}`,
        },
  ];
}

function comparisonCheck(input: DrillInput, check: string, config: ConfigCheck): DrillCheck {
  if (!config.request) {
    return { check, status: 'NOT_CHECKED', detail: 'not checked: the stored request is not usable' };
  }
  const drift = config.drift;
  const connector = 'value' in input.connector ? input.connector.value : undefined;
  if (drift === undefined) {
    return connector === undefined || connector.state === 'DELETING'
      ? { check, status: 'NOT_CHECKED', detail: 'not checked: no running connector to compare with' }
      : { check, status: 'PROBLEM', detail: 'the running connector could not be described (DescribeConnector, ListTagsForResource)' };
  }
  if (drift.stack !== undefined) {
    return { check, status: 'PROBLEM', detail: `the connector belongs to CloudFormation stack ${drift.stack}` };
  }
  if (input.settings.cloudFormationManaged) {
    return { check, status: 'PROBLEM', detail: 'the guard was built from a CfnConnector: CloudFormation manages the connector' };
  }
  if (drift.differences.length > 0) {
    return { check, status: 'PROBLEM', detail: `differs (stale request) in ${drift.differences.join(', ')}` };
  }
  const masked = drift.uncompared.length > 0 ? `; compared by presence only (masked): ${drift.uncompared.join(', ')}` : '';
  return { check, status: 'OK', detail: `the request would re-create the connector as it runs, tags included${masked}` };
}

function recoveryStateCheck(input: DrillInput): DrillCheck {
  const { record, settings, now } = input;
  const attempts = withinWindow(record.attempts, settings, now).length;
  const budget = `${attempts} of ${settings.budget} recovery attempts used in the last ${minutes(settings.budgetWindowMs)}`;
  const escalated = record.phase === 'ESCALATED' ? ` (${record.escalation ?? 'escalated'}; \`{"action":"reset"}\` clears it)` : '';
  const status = record.phase === 'ESCALATED' || attempts >= settings.budget ? 'PROBLEM' : 'OK';
  return { check: 'recovery state', status, detail: `phase ${record.phase}${escalated}; ${budget}` };
}
