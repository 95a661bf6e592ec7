import { backoffMs } from './backoff';
import { locationMismatch, requestOffsetsLocation } from './connector-config';
import type {
  Action, ConfigCheck, ConnectorView, Decision, Incident, Notice, Observation, OffsetsLocation, RecoveryEvent, RecoveryRecord, Settings, Step,
  TriggerKind,
} from './model';
import { fingerprintDifferences } from './request-drift';
import { CRASH_LOOP_SIGNAL, ERRORED_TASKS_SIGNAL, guardAlarmName } from '../signals/alarm-text';

/** States in which someone (MSK Connect, an operator, a deployment) is already changing the connector. */
const TRANSITIONAL = new Set(['CREATING', 'UPDATING', 'DELETING', 'PAUSING', 'RESUMING', 'RESTARTING']);

/**
 * How long a connector still listed intact after the delete intent may be a stale listing (or a
 * delete whose answer was lost) rather than a delete that did not take. ListConnectors lags by seconds.
 */
const DELETE_SETTLE_MS = 5 * 60_000;

/** The record's flags that belong to one incident's recreate or restart, cleared when a new one starts. */
const NO_INCIDENT_FLAGS = {
  deletedFrom: undefined, ranAs: undefined, deleteAccepted: undefined, createOwed: undefined, restartUnconfirmed: undefined, narrowRestart: undefined,
} as const;

/** Restart operation states that end the operation. */
const OPERATION_DONE = 'RESTART_COMPLETE';
const OPERATION_FAILED = new Set(['RESTART_FAILED', 'FAILED', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'UPDATE_FAILED']);

/** Input of one decision. */
export interface DecisionInput {
  readonly record: RecoveryRecord;
  readonly observation: Observation;
  readonly trigger: TriggerKind;
  readonly settings: Settings;
  /** ms epoch */
  readonly now: number;
}

/**
 * The recovery function's whole policy: given what is stored, what is observed, why it runs and
 * the clock, return the one next action and the record to persist. Pure: no I/O, no clock, no
 * randomness, so every rule is tested as a table.
 *
 * Safety rules it enforces:
 * - a connector is deleted only after its stored CreateConnector request was read and validated,
 *   and only when the recreate resumes from committed offsets (or the props allowed a reset);
 * - once deleted by the guard, a connector is always re-created, maintenance or not;
 * - one step at a time, with cooldown, Strimzi backoff and a budget, then a human is asked;
 * - disabled alarm actions (the maintenance switch), a PAUSED connector and notify-only mode
 *   stop it from starting anything.
 */
export function decide(input: DecisionInput): Decision {
  const decision = decideFor(input);
  // An operator's recover is always answered (LOAD_CONFIG is not an answer: the decision is made again with the request read).
  return input.trigger === 'MANUAL_RECOVER' && decision.action.kind !== 'LOAD_CONFIG' ? answerRecover(input, decision) : decision;
}

function decideFor(input: DecisionInput): Decision {
  const { record, trigger } = input;
  if (trigger === 'STATUS') {
    return none(record, `status requested; phase ${record.phase}`);
  }
  if (trigger === 'MANUAL_RESET') {
    // A connector the guard is deleting or re-creating must not be left deleted: a reset keeps the recreate going,
    // and an escalation that still owes a create goes back to creating.
    const owed = owesCreate(input);
    // A reset clears an escalation, not the attempts in the budget window: resets cannot buy recovery steps.
    const attempts = withinWindow(record.attempts, input.settings, input.now);
    if (owed && !recreates(input.settings.strategy)) {
      // The create is still owed, and this strategy cannot make it: stay escalated, and say so.
      return {
        action: { kind: 'NONE' },
        record: { ...record, attempts },
        reason: 'manual reset: the create is still owed and the strategy cannot re-create',
        notice: notice(input, 'WARNING', 'guard reset by an operator; create still owed',
          `The guard was in phase ${record.phase} (${record.escalation ?? 'unknown reason'}).`,
          `Nothing: the connector the guard deleted is still missing, and the strategy ${input.settings.strategy} cannot re-create it.`,
          'Deploy the guard again with RESTART_THEN_RECREATE or RECREATE (it then creates the connector on its next run), or re-create the connector by hand and reset again.'),
        events: [],
      };
    }
    // A delete that never took leaves the connector intact: a reset then cancels the recreate.
    const inFlight = (record.phase === 'DELETING' && !deleteNotTaken(input)) || record.phase === 'CREATING' || owed;
    const kept: RecoveryRecord = owed ? resumeOwedCreate(record, input.now, attempts) : { ...record, attempts };
    const spent = attempts.length >= input.settings.budget;
    return {
      action: { kind: 'NONE' },
      record: inFlight ? kept : settled({ ...record, attempts }),
      reason: inFlight ? 'manual reset: the recreate in progress continues' : 'manual reset: escalation cleared',
      notice: notice(input, 'INFO', 'guard reset by an operator',
        `An operator invoked the guard with {"action":"reset"}. The guard was in phase ${record.phase}${record.escalation ? ` (${record.escalation})` : ''}.`,
        (inFlight
          ? 'The recreate in progress continues, so that the connector is not left deleted.'
          : 'Cleared the escalation.')
          + ` The ${attempts.length} recovery attempts of the last ${minutes(input.settings.budgetWindowMs)} still count against the budget of ${input.settings.budget}.`,
        spent
          ? `Nothing. The budget is used up: the guard acts again from ${actAgainAt(attempts, input.settings)}; an alarm before then is escalated once.`
          : 'Nothing. The guard acts again on the next alarm.'),
      events: [],
    };
  }
  switch (record.phase) {
    case 'IDLE':
      return decideIdle(input);
    case 'RESTARTING':
      return decideRestarting(input);
    case 'VERIFYING':
      return decideVerifying(input);
    case 'DELETING':
      return decideDeleting(input);
    case 'CREATING':
      return decideCreating(input);
    case 'ESCALATED':
      return decideEscalated(input);
  }
}

function decideIdle(input: DecisionInput): Decision {
  const { observation: obs, trigger, settings, now } = input;
  const record = { ...input.record, attempts: withinWindow(input.record.attempts, settings, now) };
  const alarming = obs.alarm.state === 'ALARM';

  if (trigger === 'SCHEDULED_RESTART') {
    return decideScheduledRestart(input, record);
  }
  if (!alarming && trigger !== 'MANUAL_RECOVER') {
    // Healthy: forget the finished incident so that the next one is reported afresh.
    return none(settled(record), `alarm is ${obs.alarm.state}; nothing to do`);
  }
  if (!obs.alarm.actionsEnabled && trigger !== 'MANUAL_RECOVER') {
    return once(record, 'maintenance', 'maintenance switch on: alarm actions are disabled; not acting',
      notice(input, 'WARNING', 'alarm in maintenance, not recovering',
        'The guard\'s alarm is in ALARM, but its actions are disabled (the maintenance switch).',
        'Nothing: the guard does not act while alarm actions are disabled.',
        'When maintenance is over, enable the alarm actions again (`aws cloudwatch enable-alarm-actions`); the guard then acts on the next check.'));
  }
  const connector = obs.connector;
  if (!connector) {
    return escalate(input, record, 'no connector has exactly the guarded name',
      `No MSK Connect connector named "${settings.connectorName}" exists, and the guard did not delete one.`,
      'Nothing: the guard only re-creates connectors it deleted itself.',
      'Create the connector (or correct the guard\'s connector name), then reset the guard with `{"action":"reset"}`.');
  }
  if (connector.state === 'PAUSED') {
    return once(record, 'paused', 'connector is PAUSED by an operator; not acting',
      notice(input, 'WARNING', 'connector paused, not recovering',
        'The alarm is in ALARM and the connector is PAUSED.',
        'Nothing: a paused connector is left to whoever paused it.',
        'Resume the connector (`aws kafkaconnect resume-connector`) when it should run again.'));
  }
  if (TRANSITIONAL.has(connector.state)) {
    return none(record, `connector is ${connector.state} (another operation in progress); waiting`);
  }
  if (connector.state !== 'RUNNING' && connector.state !== 'FAILED') {
    return escalate(input, record, `connector state ${connector.state} is not one the guard knows how to handle`,
      `The alarm is in ALARM and MSK Connect reports the connector as ${connector.state}.`,
      'Nothing: the guard only restarts a RUNNING connector and re-creates a FAILED one.',
      'Check the connector in the MSK console; when it is RUNNING or FAILED again, reset the guard with `{"action":"reset"}`.');
  }
  if (settings.strategy === 'NOTIFY_ONLY') {
    return once(record, 'notify-only', 'notify-only mode: not acting',
      notice(input, 'WARNING', 'silent failure suspected (notify-only)',
        `The alarm is in ALARM; the connector reports ${connector.state}.`,
        'Nothing: the guard runs in notify-only mode.',
        `Investigate the connector; to recover it in place run \`aws kafkaconnect restart-connector --connector-arn ${connector.arn}\`.`));
  }
  const plan = planStep(settings.strategy, connector);
  if (plan === undefined) {
    return escalate(input, record, `connector is ${connector.state} and the restart-only strategy cannot restart it`,
      `The connector is ${connector.state}. RestartConnector only works on a RUNNING connector.`,
      'Nothing: the strategy is restart-only, so the guard does not re-create connectors.',
      settings.cloudFormationManaged
        ? 'Inspect the worker logs and fix the cause; then replace the connector through the CloudFormation stack that manages it (never by hand: the stack would lose track of it), and reset the guard.'
        : 'Inspect the worker logs, fix the cause, and re-create or update the connector; then reset the guard.');
  }
  if (plan === 'recreate' && trigger === 'MANUAL_RECOVER' && (!alarming || !obs.alarm.actionsEnabled)) {
    // An operator may ask for a restart at any time; a delete needs what an alarm-driven one needs.
    const why = alarming ? 'the maintenance switch is on (alarm actions disabled)' : `the alarm is ${obs.alarm.state}`;
    return none(record, `recover: a recreate needs the alarm in ALARM and the maintenance switch off, and ${why}; nothing done`);
  }
  if (record.attempts.length >= settings.budget) {
    return budgetSpent(input, record, `recovery budget exhausted (${record.attempts.length} attempts in the window)`,
      `The alarm is still in ALARM after ${record.attempts.length} recovery attempts within ${minutes(settings.budgetWindowMs)}.`);
  }
  // Strimzi's backoff counts the attempts of the current incident (its restart count resets once the
  // connector runs again); the cooldown separates any two attempts; the budget spans incidents.
  const last = record.attempts[record.attempts.length - 1];
  const wait = backoffMs(record.incident?.steps.length ?? 0, settings.cooldownMs);
  if (last !== undefined && now < last + wait && trigger !== 'MANUAL_RECOVER') {
    return none(record, `backing off: next attempt allowed at ${new Date(last + wait).toISOString()}`);
  }
  // A preventive restart is not an incident: an alarm after it starts a new one, with the full recovery.
  const incident: Incident = record.incident && record.incident.trigger !== 'SCHEDULED_RESTART'
    ? record.incident
    : { startedAt: now, trigger, initialState: connector.state, steps: [] };
  const fresh = incident !== record.incident ? NO_INCIDENT_FLAGS : {};
  const withIncident: RecoveryRecord = { ...record, ...fresh, incident, noticeKey: undefined };
  return plan === 'restart' ? startRestart(input, withIncident, connector) : startRecreate(input, withIncident, connector);
}

function decideScheduledRestart(input: DecisionInput, record: RecoveryRecord): Decision {
  const { observation: obs, settings, now } = input;
  const connector = obs.connector;
  const interval = settings.scheduledRestartIntervalMs;
  if (interval === undefined) {
    return none(record, 'scheduled restart refused: the guard has no preventive restart schedule');
  }
  // EventBridge delivers a firing up to about a minute late (and may deliver it twice): a firing on time
  // after a late one must still pass, a duplicate must not.
  const last = record.lastScheduledRestart;
  if (last !== undefined && now - last < interval - Math.min(60_000, interval / 2)) {
    return none(record, `scheduled restart refused: the last one started at ${new Date(last).toISOString()}, and the schedule fires at most every ${minutes(interval)}`);
  }
  if (!obs.alarm.actionsEnabled) {
    return none(record, 'scheduled restart skipped: maintenance switch on (alarm actions disabled)');
  }
  if (obs.alarm.state === 'ALARM') {
    return none(record, 'scheduled restart skipped: the alarm is in ALARM, the recovery handles it');
  }
  if (input.settings.strategy === 'NOTIFY_ONLY') {
    return none(record, 'scheduled restart skipped: notify-only mode');
  }
  if (!connector || connector.state !== 'RUNNING') {
    return none(record, `scheduled restart skipped: connector is ${connector ? connector.state : 'missing'}`);
  }
  if (record.attempts.length >= settings.budget) {
    return none(record, `scheduled restart skipped: the recovery budget is used up (${record.attempts.length} attempts within ${minutes(settings.budgetWindowMs)})`);
  }
  // A preventive restart is not a failure, and never escalates to a recreate; it is a mutation all the same, so it uses the budget.
  const incident: Incident = { startedAt: now, trigger: 'SCHEDULED_RESTART', initialState: connector.state, steps: ['restart'] };
  return {
    action: { kind: 'RESTART', connectorArn: connector.arn },
    record: {
      ...record,
      ...NO_INCIDENT_FLAGS,
      phase: 'RESTARTING',
      phaseSince: now,
      incident,
      connectorArn: connector.arn,
      operationArn: undefined,
      slowNoticeSent: undefined,
      attempts: [...record.attempts, now],
      lastScheduledRestart: now,
    },
    reason: 'preventive restart on schedule',
    events: [{ kind: 'STEP_STARTED', step: 'restart' }],
  };
}

function decideRestarting(input: DecisionInput): Decision {
  const { record, observation: obs, settings, now } = input;
  const connector = obs.connector;
  if (!connector) {
    return escalate(input, record, 'connector disappeared during a restart',
      'The connector no longer exists; someone deleted it while the guard was restarting it.',
      'Stopped acting: the guard only re-creates connectors it deleted itself.',
      'Re-create the connector, then reset the guard with `{"action":"reset"}`.');
  }
  if (record.connectorArn !== undefined && connector.arn !== record.connectorArn) {
    return verify(input, connector.arn, 'the connector was re-created by someone else during the restart; verifying the new one');
  }
  const op = obs.operationState;
  if (op === OPERATION_DONE || (record.operationArn === undefined && connector.state === 'RUNNING' && now - (record.phaseSince ?? now) >= 60_000)) {
    // Without an operation ARN (the run that called RestartConnector died before saving it) a
    // RUNNING connector a minute later means the restart finished or never happened: either way,
    // verification decides what comes next.
    return verify(input, connector.arn, `restart finished (${op ?? 'operation unknown'}); verifying`);
  }
  const timedOut = now - (record.phaseSince ?? now) > settings.operationTimeoutMs;
  if (timedOut && record.restartUnconfirmed) {
    // A restart that may never have run proves nothing: back to IDLE, whose rules decide again.
    return none({ ...record, phase: 'IDLE', phaseSince: now, operationArn: undefined },
      `the restart refused on a retry was not seen to run within ${minutes(settings.operationTimeoutMs)}; back to IDLE`);
  }
  if ((op !== undefined && OPERATION_FAILED.has(op)) || timedOut) {
    const what = timedOut ? `the restart did not finish within ${minutes(settings.operationTimeoutMs)}` : `the restart operation ended ${op}`;
    return afterFailedStep(input, connector, what);
  }
  return none(record, `restart in progress (${op ?? connector.state}); waiting`);
}

function decideVerifying(input: DecisionInput): Decision {
  const { record, observation: obs, settings, now } = input;
  const incident = record.incident;
  if (obs.alarm.state === 'OK') {
    const seconds = incident ? Math.round((now - incident.startedAt) / 1000) : 0;
    const scheduled = incident?.trigger === 'SCHEDULED_RESTART';
    const masked = incident?.uncompared?.length
      ? ` DescribeConnector masked ${incident.uncompared.join(', ')}, so for those keys the guard compared only their presence with the stored request, not their values.`
      : '';
    const recovered = `Recovered by ${(incident?.steps ?? []).join(' then ') || 'no action'}; the alarm is OK again ${seconds} s after the first step.${masked}`;
    // A recreate allowed to lose the committed offsets is not a plain recovery: the data downstream needs a look.
    const notified = incident?.offsetsReset
      ? notice(input, 'WARNING', 'connector recovered, committed offsets reset',
        `The alarm fired while the connector reported ${incident.initialState}.`,
        `${recovered} The new connector is not proven to resume from the committed offsets (${incident.offsetsReset}), so it may have started without them.`,
        'Check the data downstream: Debezium re-snapshots the captured tables (snapshot.mode=initial), or with snapshot.mode=never the changes made before the recreate are missing. To keep offsets next time, give the stored request a worker configuration that sets offset.storage.topic.')
      : notice(input, 'INFO', 'connector recovered',
        `The alarm fired while the connector reported ${incident?.initialState ?? 'unknown'}.`,
        recovered,
        'Nothing now. If this repeats, look for the root cause (network idle timeouts, source database restarts).');
    return {
      action: { kind: 'NONE' },
      record: settled(record),
      reason: scheduled ? 'preventive restart done; alarm OK' : 'alarm back to OK: recovered',
      notice: scheduled ? undefined : notified,
      events: scheduled ? [] : [{ kind: 'RECOVERED', seconds }],
    };
  }
  if (now - (record.phaseSince ?? now) < settings.verifyMs) {
    return none(record, `verifying: waiting up to ${minutes(settings.verifyMs)} for the alarm to clear (now ${obs.alarm.state})`);
  }
  const connector = obs.connector;
  const lastStep = incident?.steps[incident.steps.length - 1];
  // Only an alarm still in ALARM justifies a delete: INSUFFICIENT_DATA proves nothing either way.
  // Nor does a restart that may never have run (refused on a retry): the next attempt restarts again.
  if (connector && lastStep === 'restart' && obs.alarm.state === 'ALARM' && settings.strategy === 'RESTART_THEN_RECREATE'
    && incident?.trigger !== 'SCHEDULED_RESTART' && !record.restartUnconfirmed && !record.narrowRestart) {
    return afterFailedStep(input, connector, `the alarm is still ${obs.alarm.state} ${minutes(settings.verifyMs)} after the restart`);
  }
  // Another attempt (same kind) after the backoff, within the budget: back to IDLE keeps the incident.
  return none({ ...record, phase: 'IDLE', phaseSince: now, connectorArn: undefined, operationArn: undefined, narrowRestart: undefined },
    `the alarm is still ${obs.alarm.state} after the ${record.narrowRestart ? 'restart of the failed tasks' : lastStep ?? 'step'}; next attempt after the backoff`);
}

function decideDeleting(input: DecisionInput): Decision {
  const { record, observation: obs } = input;
  const connector = obs.connector;
  if (!connector) {
    // Deleted: the guard owes a create, whatever else is going on.
    if (!recreates(input.settings.strategy)) {
      return strategyCannotCreate(input, record);
    }
    if (!obs.config) {
      return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'connector deleted; reading the stored request to re-create it', events: [] };
    }
    const unusable = createBlocker(input);
    if (unusable !== undefined) {
      return createBlocked(input, 'connector deleted but the stored request is no longer usable',
        `The guard deleted the connector, and the stored CreateConnector request is now unusable: ${unusable}.`, 'Fix the stored request now');
    }
    return create(input, { ...record, phase: 'CREATING', phaseSince: input.now, connectorArn: undefined, slowNoticeSent: undefined },
      'old connector gone; creating it again from the stored request');
  }
  if (connector.arn !== record.connectorArn) {
    return waitForCreate(input, connector, 'a connector with the guarded name exists again (created by someone else)');
  }
  if (connector.state === 'DELETING') {
    return slow(input, 'delete in progress; waiting',
      'The connector has been DELETING longer than expected.',
      'Still waiting; the guard re-creates it as soon as the delete finishes.',
      'Nothing yet. If it stays DELETING for hours, contact AWS support.');
  }
  // Listed intact. Right after the intent that may be a stale listing (or a delete whose answer was
  // lost): wait for it to show. Later, the delete was not issued (the run died after saving its
  // intent) or did not take: the rules of a first delete apply again before it is re-issued.
  if (input.now - (record.phaseSince ?? input.now) < DELETE_SETTLE_MS) {
    return none(record, `connector listed ${connector.state} right after the delete intent; waiting to see whether the delete took`);
  }
  const standDown = reasonNotToDelete(input, connector);
  if (standDown !== undefined && record.deleteAccepted) {
    // AWS accepted the delete, so the connector may yet disappear: stay ready to re-create it, but do not delete again.
    return slow(input, `AWS accepted the delete but the connector is listed ${connector.state}, and ${standDown}: not deleting again; waiting`,
      `AWS accepted the delete, but the connector is still listed ${connector.state}, and ${standDown}.`,
      'Not deleting it again; the guard re-creates it if it disappears.',
      'Check the connector in the MSK console. If it is intact, reset the guard with `{"action":"reset"}` to cancel the re-create.');
  }
  if (standDown !== undefined) {
    return {
      action: { kind: 'NONE' },
      record: { ...record, phase: 'IDLE', phaseSince: input.now, connectorArn: undefined, slowNoticeSent: undefined, deletedFrom: undefined, ranAs: undefined },
      reason: `the delete did not take and ${standDown}: not deleting`,
      notice: notice(input, 'WARNING', 'recreate abandoned before the delete',
        `The guard had decided to re-create the connector, but the delete did not take (the connector is ${connector.state}), and ${standDown}.`,
        'Nothing was deleted: the connector is as it was, and the guard is idle again.',
        'Nothing. The guard acts again on the next alarm.'),
      events: [],
    };
  }
  if (TRANSITIONAL.has(connector.state)) {
    return slow(input, `connector is ${connector.state} (another operation in progress); waiting before deleting again`,
      `The guard is re-creating the connector, and it has been ${connector.state} (another operation) for longer than expected.`,
      'Still waiting; the guard deletes and re-creates it once that operation ends.',
      'Check the connector in the MSK console; reset the guard with `{"action":"reset"}` to cancel the re-create.');
  }
  // The same proof as the first time: the stored request may have changed since.
  if (!obs.config) {
    return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'connector still there; reading the stored request before deleting again', events: [] };
  }
  const unsafe = revertRisk(input.settings, obs.config) !== undefined || (!obs.config.offsetsPreserved && !input.settings.allowOffsetReset);
  if (!obs.config.request || unsafe) {
    return startRecreate(input, { ...record, phase: 'IDLE' }, connector, `the connector is still ${connector.state} and must be deleted again`);
  }
  return deleteAgain(input, connector);
}

/**
 * Why the stored request, read again after the delete, must not be used for the create: invalid, or
 * changed since the delete so that it would not resume from where the deleted connector kept its
 * offsets (proven when the delete was decided). Undefined when usable.
 */
function createBlocker(input: DecisionInput): string | undefined {
  const config = input.observation.config;
  if (!config) {
    return undefined;
  }
  if (!config.request) {
    return config.problems.join('; ');
  }
  // Read again after the delete, the request must still describe the connector the guard deleted:
  // whoever can write the object must not be able to reshape (or revert) the connector through a recreate.
  const ranAs = input.record.ranAs;
  const changed = ranAs && config.fingerprint ? fingerprintDifferences(ranAs, config.fingerprint) : [];
  if (changed.length > 0) {
    return `it changed since the delete, in ${changed.join(', ')}; it must describe the connector the guard deleted (restore it as it was)`;
  }
  const moved = requestMoved(input);
  if (moved && !input.settings.allowOffsetReset) {
    return `it changed since the delete: ${moved}`;
  }
  return undefined;
}

/** How the stored request would resume elsewhere than where the deleted connector kept its offsets; undefined when it would not (or nothing to compare). */
function requestMoved(input: DecisionInput): string | undefined {
  const request = input.observation.config?.request;
  const deletedFrom = input.record.deletedFrom;
  return request && deletedFrom ? locationMismatch(requestOffsetsLocation(request), deletedFrom, 'the deleted connector') : undefined;
}

/**
 * The CREATE of the connector the guard deleted, from the usable stored request. When only
 * allowOffsetReset lets it through (the request keeps no offsets of its own, moved away from the
 * deleted connector's, or where they were is unknown), the incident records it, so that the
 * recovery notice says so. Recorded here, when the create happens, not when the delete was decided:
 * a delete that never took resets nothing.
 */
function create(input: DecisionInput, record: RecoveryRecord, reason: string): Decision {
  const config = input.observation.config!;
  const unproven = input.settings.allowOffsetReset
    && (!config.offsetsPreserved || input.record.deletedFrom === undefined || requestMoved(input) !== undefined);
  const incident = unproven && record.incident ? { ...record.incident, offsetsReset: 'allowOffsetReset let the create through without that proof' } : record.incident;
  return { action: { kind: 'CREATE', request: config.request! }, record: incident === record.incident ? record : { ...record, incident }, reason, events: [] };
}

/** Where a connector keeps its offsets, when the observation says (undefined otherwise, e.g. in hand-made views). */
function offsetsLocation(connector: ConnectorView): OffsetsLocation | undefined {
  const { workerConfigurationArn, workerConfigurationRevision, bootstrapServers } = connector;
  if (workerConfigurationArn === undefined && workerConfigurationRevision === undefined && bootstrapServers === undefined) {
    return undefined;
  }
  return { workerConfigurationArn, workerConfigurationRevision, bootstrapServers };
}

/**
 * In DELETING, the connector the guard meant to delete is listed intact long enough after the intent
 * that the listing is not stale: an operator's reset may then cancel the re-create.
 */
function deleteNotTaken(input: DecisionInput): boolean {
  const { record, observation, now, settings } = input;
  const connector = observation.connector;
  // A delete AWS accepted gets the whole operation timeout to show before a reset may forget it.
  const settle = record.deleteAccepted ? Math.max(DELETE_SETTLE_MS, settings.operationTimeoutMs) : DELETE_SETTLE_MS;
  return connector !== undefined && connector.arn === record.connectorArn && connector.state !== 'DELETING'
    && now - (record.phaseSince ?? now) >= settle;
}

/** Why an intact connector must not be deleted now (the IDLE rules), or undefined when it may. */
function reasonNotToDelete(input: DecisionInput, connector: ConnectorView): string | undefined {
  const { observation: obs, settings } = input;
  if (connector.state === 'PAUSED') {
    return 'the connector is PAUSED';
  }
  if (!recreates(settings.strategy)) {
    return `the strategy is now ${settings.strategy}`;
  }
  if (!obs.alarm.actionsEnabled) {
    return 'the maintenance switch is on (alarm actions disabled)';
  }
  return obs.alarm.state === 'ALARM' ? undefined : `the alarm is ${obs.alarm.state}`;
}

/** What a human is told when a recreate would harm the running connector. */
interface RevertRisk {
  readonly reason: string;
  readonly seen: string;
  readonly next: string;
}

/**
 * Why re-creating the running connector from the stored request would harm it, or undefined when it
 * would not: its CloudFormation stack would lose track of it, or the request is older than the
 * connector (a recreate would revert what changed since), or the two could not be compared.
 */
function revertRisk(settings: Settings, config: ConfigCheck): RevertRisk | undefined {
  const drift = config.drift;
  if (settings.cloudFormationManaged || drift?.stack !== undefined) {
    const stack = drift?.stack !== undefined ? `CloudFormation stack ${drift.stack}` : 'a CloudFormation stack (the guard was built from its CfnConnector)';
    return {
      reason: 'connector managed by CloudFormation; not deleting',
      seen: `A recreate is needed, but the connector belongs to ${stack}. Re-created outside the stack it would get a new ARN the stack does not know, and the stack's next update or delete would fail or orphan it.`,
      next: 'Replace the connector through its stack (a deployment that replaces the AWS::KafkaConnect::Connector), then reset the guard with `{"action":"reset"}`.',
    };
  }
  if (drift === undefined) {
    return {
      reason: 'running connector could not be compared with the stored request; not deleting',
      seen: 'A recreate is needed, but the running connector could not be described (DescribeConnector, ListTagsForResource), so the guard cannot prove that the stored request would not revert it.',
      next: 'Check that the recovery role may call kafkaconnect:DescribeConnector and kafkaconnect:ListTagsForResource on the connector, then invoke the guard with `{"action":"recover"}`.',
    };
  }
  if (drift.differences.length > 0) {
    return {
      reason: 'stored request differs from the running connector; not deleting',
      seen: `A recreate is needed, but the stored CreateConnector request differs from the running connector in ${drift.differences.join(', ')}: a recreate from it would revert ${drift.differences.length === 1 ? 'that change' : 'those changes'}.`,
      next: 'Refresh the stored request from the running connector (README, "Refreshing the stored request": describe-connector and list-tags-for-resource), then invoke the guard with `{"action":"recover"}`.',
    };
  }
  return undefined;
}

function deleteAgain(input: DecisionInput, connector: ConnectorView): Decision {
  const { record, settings, now } = input;
  const action: Action = { kind: 'DELETE', connectorArn: connector.arn, currentVersion: connector.currentVersion };
  const reason = `connector still ${connector.state} in phase DELETING; issuing the delete again`;
  // A delete that AWS keeps undoing would otherwise be re-issued every minute in silence.
  if (!record.slowNoticeSent && now - (record.phaseSince ?? now) > settings.operationTimeoutMs) {
    return {
      action,
      record: { ...record, slowNoticeSent: true },
      reason: `${reason} (for longer than ${minutes(settings.operationTimeoutMs)})`,
      notice: notice(input, 'CRITICAL', 'delete keeps failing',
        `The guard has been trying to delete the connector for more than ${minutes(settings.operationTimeoutMs)}; it is ${connector.state} again after each attempt.`,
        'Still re-issuing the delete every minute, to re-create the connector from the stored request.',
        'Look at the connector in the MSK console (state description) and fix what blocks the delete, or reset the guard with `{"action":"reset"}` to stop: the connector is intact until a delete takes.'),
      events: [],
    };
  }
  return { action, record, reason, events: [] };
}

function decideCreating(input: DecisionInput): Decision {
  const { record, observation: obs } = input;
  const connector = obs.connector;
  if (!connector) {
    if (!recreates(input.settings.strategy)) {
      return strategyCannotCreate(input, record);
    }
    if (!obs.config) {
      return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'connector still missing; reading the stored request to create it', events: [] };
    }
    const unusable = createBlocker(input);
    if (unusable !== undefined) {
      return createBlocked(input, 'create pending but the stored request is unusable',
        `The connector is deleted and the stored CreateConnector request is unusable: ${unusable}.`, 'Fix the stored request');
    }
    // The create was never issued, or was refused: issue it again (a duplicate is refused by the API).
    return create(input, record, 'connector still missing; issuing the create again');
  }
  return waitForCreate(input, connector, `new connector is ${connector.state}`);
}

function waitForCreate(input: DecisionInput, connector: ConnectorView, why: string): Decision {
  const { record } = input;
  if (connector.state === 'RUNNING') {
    // The connector now listed may not be the guard's (its create met a Conflict with one someone
    // else made meanwhile): if it keeps its offsets elsewhere than the deleted one did, say so.
    const location = offsetsLocation(connector);
    const moved = record.deletedFrom && location ? locationMismatch(location, record.deletedFrom, 'the deleted connector') : undefined;
    const adopted = moved && record.incident && !record.incident.offsetsReset
      ? { ...input, record: { ...record, incident: { ...record.incident, offsetsReset: 'the connector now running uses another worker configuration, revision or Kafka cluster than the one the guard deleted; someone else may have created it' } } }
      : input;
    return verify(adopted, connector.arn, `${why}; verifying`);
  }
  if (connector.state === 'FAILED') {
    return escalate(input, record, 're-created connector FAILED',
      'The guard re-created the connector from the stored request, and the new connector is FAILED.',
      'Stopped acting.',
      'Read the new connector\'s worker logs; fix the stored request or its dependencies, then `{"action":"reset"}`.', 'CRITICAL');
  }
  const base: RecoveryRecord = { ...record, phase: 'CREATING', connectorArn: connector.arn };
  return slow({ ...input, record: base }, `${why}; waiting`,
    `The re-created connector has been ${connector.state} longer than expected.`,
    'Still waiting for it to reach RUNNING.',
    'Nothing yet; if it never reaches RUNNING, check the connector in the MSK console.');
}

function decideEscalated(given: DecisionInput): Decision {
  const { observation: obs, trigger, settings } = given;
  // Someone re-created the connector the guard owed: the debt is settled, and so are the old recreate's flags.
  // A connector listed DELETING is not that (it is most likely the deleted one, in a stale listing).
  const record = given.record.createOwed && !isGone(obs.connector) ? { ...given.record, ...NO_INCIDENT_FLAGS } : given.record;
  const input: DecisionInput = { ...given, record };
  // Escalated after deleting the connector (the stored request was invalid): the guard still owes the create.
  const owed = owesCreate(input);
  if (record.quietUntil !== undefined && trigger !== 'MANUAL_RECOVER') {
    // The budget is spent: one notice said so, and when the guard acts again. A flapping alarm changes nothing until then.
    if (input.now < record.quietUntil) {
      return none(record, `escalated: recovery budget used up; quiet until ${new Date(record.quietUntil).toISOString()}`);
    }
    const active = settled({ ...record, attempts: withinWindow(record.attempts, settings, input.now) });
    return obs.alarm.state === 'ALARM'
      ? decideIdle({ ...input, record: active })
      : none(active, 'the recovery budget window has passed: the guard is active again');
  }
  if (obs.alarm.state === 'OK' && !owed) {
    return {
      action: { kind: 'NONE' },
      record: settled(record),
      reason: 'alarm OK after an escalation; guard active again',
      notice: notice(input, 'INFO', 'alarm cleared after escalation',
        `The alarm is OK again (the guard had escalated: ${record.escalation ?? 'unknown reason'}).`,
        'The guard is active again.',
        'Nothing.'),
      events: [],
    };
  }
  if (owed) {
    // The guard deleted the connector and owes its create: as soon as the stored request is usable
    // again (a human fixed it), create, without waiting for a human to say so.
    if (obs.connector) {
      return none(record, `escalated owing the create; the deleted connector is still listed ${obs.connector.state}: waiting for it to go`);
    }
    const creating = resumeOwedCreate(record, input.now, record.attempts);
    if (trigger === 'MANUAL_RECOVER') {
      // An operator's recover accepts a request changed since the delete (AWS may refuse the old one: a
      // subnet or plugin revision gone); every other check of the create still applies.
      return decideCreating({ ...input, record: { ...creating, ranAs: undefined } });
    }
    if (!recreates(settings.strategy)) {
      // Said once, when escalating; its role cannot read the stored request or create anyway.
      return none(record, `escalated owing the create; the strategy ${settings.strategy} cannot re-create: waiting for a re-creating strategy`);
    }
    if (!obs.config) {
      return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'escalated with the connector deleted: checking whether the stored request is usable now', events: [] };
    }
    if (createBlocker(input) !== undefined) {
      return none(record, `escalated (${record.escalation ?? 'unknown'}); the connector is deleted and the stored request is still unusable`);
    }
    if (!record.deletedFrom && !settings.allowOffsetReset) {
      // Nothing to check the request against: only an operator may say it resumes from the right offsets.
      return none(record, 'escalated; the stored request is usable, but where the deleted connector kept its offsets is unknown: waiting for `recover`');
    }
    return { ...decideCreating({ ...input, record: creating }), reason: 'the stored request is usable again: re-creating the deleted connector' };
  }
  if (trigger === 'MANUAL_RECOVER') {
    return decideIdle({ ...input, record: { ...record, ...NO_INCIDENT_FLAGS, phase: 'IDLE', escalation: undefined, quietUntil: undefined } });
  }
  return none(record, `escalated (${record.escalation ?? 'unknown'}); waiting for a human or for the alarm to clear`);
}

/** A restart did not work: fall back to a recreate when the strategy allows it, else retry or escalate. */
function afterFailedStep(input: DecisionInput, connector: ConnectorView, what: string): Decision {
  const { record, settings } = input;
  const scheduled = record.incident?.trigger === 'SCHEDULED_RESTART';
  if (record.narrowRestart && !scheduled) {
    // Restarting only the failed tasks proves nothing about the others: a full restart comes first.
    return none({ ...record, phase: 'IDLE', phaseSince: input.now, operationArn: undefined, narrowRestart: undefined },
      `${what} (it restarted only the failed tasks); a full restart next, after the backoff`);
  }
  if (settings.strategy === 'RESTART_THEN_RECREATE' && !scheduled) {
    // The rules of any delete stop a fallback recreate too (back to IDLE, whose rules report them), and
    // someone else's operation (an update, a pause or resume) is never cut short; our own stuck restart may be.
    const busy = TRANSITIONAL.has(connector.state) && connector.state !== 'RESTARTING';
    const why = busy ? `the connector is ${connector.state}` : reasonNotToDelete(input, connector);
    if (why !== undefined) {
      return none({ ...record, phase: 'IDLE', phaseSince: input.now, operationArn: undefined }, `${what}; not re-creating: ${why}`);
    }
    const attempts = withinWindow(record.attempts, settings, input.now);
    if (attempts.length >= settings.budget) {
      return budgetSpent(input, { ...record, attempts }, `${what}; budget exhausted`,
        `${capitalise(what)}, and the recovery budget (${settings.budget} per ${minutes(settings.budgetWindowMs)}) is used up.`);
    }
    return startRecreate(input, { ...record, phase: 'IDLE', attempts }, connector, what);
  }
  if (scheduled) {
    return {
      action: { kind: 'NONE' },
      record: settled(record),
      reason: `preventive restart: ${what}`,
      notice: notice(input, 'WARNING', 'preventive restart did not complete',
        `${capitalise(what)}.`, 'Nothing more: a preventive restart never falls back to a recreate.',
        'Check the connector; the alarms still guard it.'),
      events: [],
    };
  }
  return none({ ...record, phase: 'IDLE', phaseSince: input.now, operationArn: undefined }, `${what}; next attempt after the backoff`);
}

function startRestart(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView): Decision {
  const onlyFailedTasks = failedTasksOnly(input, record, connector);
  const incident = addStep(record.incident, 'restart');
  return {
    action: { kind: 'RESTART', connectorArn: connector.arn, ...(onlyFailedTasks ? { onlyFailedTasks } : {}) },
    record: {
      ...record,
      phase: 'RESTARTING',
      phaseSince: input.now,
      incident,
      connectorArn: connector.arn,
      operationArn: undefined,
      attempts: [...record.attempts, input.now],
      slowNoticeSent: undefined,
      restartUnconfirmed: undefined,
      narrowRestart: onlyFailedTasks || undefined,
    },
    reason: `alarm ${input.observation.alarm.state} with connector ${connector.state}: restarting ${onlyFailedTasks ? 'its failed tasks' : 'in place'}`,
    events: [{ kind: 'STEP_STARTED', step: 'restart' }],
  };
}

/** Deletes only once the stored request is valid and the recreate is proven to keep offsets. */
function startRecreate(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView, why?: string): Decision {
  const { observation: obs, settings } = input;
  if (!obs.config) {
    return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'reading the stored request before any delete', events: [] };
  }
  const cause = why ? `${capitalise(why)}. ` : `The connector is ${connector.state}. `;
  if (!obs.config.request) {
    return escalate(input, record, 'stored CreateConnector request unusable; not deleting',
      `${cause}A recreate is needed, but the stored CreateConnector request cannot be used: ${obs.config.problems.join('; ')}.`,
      'Nothing was deleted: the connector is as it was.',
      'Fix the stored request, then invoke the guard with `{"action":"recover"}`.');
  }
  const risk = revertRisk(settings, obs.config);
  if (risk !== undefined) {
    return escalate(input, record, risk.reason, `${cause}${risk.seen}`, 'Nothing was deleted: the connector is as it was.', risk.next);
  }
  if (!obs.config.offsetsPreserved && !settings.allowOffsetReset) {
    return escalate(input, record, 'recreate would lose committed offsets; not deleting',
      `${cause}A recreate is needed, but it is not proven to resume from the committed offsets: ${obs.config.offsetsProblem ?? 'unknown reason'}.`,
      'Nothing was deleted: the connector is as it was.',
      'Make the stored request name the worker configuration (latest revision, setting offset.storage.topic) and the bootstrap servers the running connector uses, or set allowOffsetReset on the guard if re-reading the source is acceptable.');
  }
  const started = addStep(record.incident ?? { startedAt: input.now, trigger: input.trigger, initialState: connector.state, steps: [] }, 'recreate');
  const uncompared = obs.config.drift?.uncompared ?? [];
  const incident = started && uncompared.length > 0 ? { ...started, uncompared } : started;
  return {
    action: { kind: 'DELETE', connectorArn: connector.arn, currentVersion: connector.currentVersion },
    record: {
      ...record,
      phase: 'DELETING',
      phaseSince: input.now,
      incident,
      connectorArn: connector.arn,
      operationArn: undefined,
      attempts: [...record.attempts, input.now],
      slowNoticeSent: undefined,
      noticeKey: undefined,
      deletedFrom: offsetsLocation(connector),
      ranAs: obs.config.fingerprint,
      deleteAccepted: undefined,
      createOwed: undefined,
      restartUnconfirmed: undefined,
    },
    reason: `${why ?? `connector ${connector.state}`}: deleting to re-create from the stored request${obs.config.offsetsPreserved ? '' : ' (offset reset allowed)'}`,
    events: [{ kind: 'STEP_STARTED', step: 'recreate' }],
  };
}

/** Enters VERIFYING; when the alarm is already OK, the incident ends in this same run. */
function verify(input: DecisionInput, connectorArn: string, reason: string): Decision {
  const record: RecoveryRecord = { ...input.record, phase: 'VERIFYING', phaseSince: input.now, connectorArn, operationArn: undefined, slowNoticeSent: undefined };
  if (input.observation.alarm.state === 'OK') {
    return decideVerifying({ ...input, record });
  }
  return { action: { kind: 'NONE' }, record, reason, events: [] };
}

/** Escalates to a human; `createOwed` when the connector the guard deleted is missing and must still be created. */
function escalate(
  input: DecisionInput, record: RecoveryRecord, reason: string, seen: string, done: string, next: string,
  severity: 'WARNING' | 'CRITICAL' = 'WARNING', createOwed = false, quietUntil?: number,
): Decision {
  const events: RecoveryEvent[] = [{ kind: 'ESCALATED' }];
  return {
    action: { kind: 'NONE' },
    record: {
      ...record, phase: 'ESCALATED', phaseSince: input.now, escalation: reason, operationArn: undefined, createOwed: createOwed || undefined, quietUntil,
    },
    reason: `escalating: ${reason}`,
    notice: notice(input, severity, `needs a human: ${reason}`, seen, done, next),
    events,
  };
}

/** Waits, sending one 'taking longer than expected' notice once the operation timeout has passed. */
function slow(input: DecisionInput, reason: string, seen: string, done: string, next: string): Decision {
  const { record, settings, now } = input;
  if (!record.slowNoticeSent && now - (record.phaseSince ?? now) > settings.operationTimeoutMs) {
    return {
      action: { kind: 'NONE' },
      record: { ...record, slowNoticeSent: true },
      reason: `${reason} (slower than ${minutes(settings.operationTimeoutMs)})`,
      notice: notice(input, 'WARNING', 'recovery taking longer than expected', seen, done, next),
      events: [],
    };
  }
  return none(record, reason);
}

/**
 * The recovery budget is used up: escalate once, saying when the guard acts again, and stay quiet until
 * then (the last attempt leaves the window), however often the alarm flaps, unless an operator resets.
 */
function budgetSpent(input: DecisionInput, record: RecoveryRecord, reason: string, seen: string): Decision {
  const { settings } = input;
  const until = Math.max(...record.attempts) + settings.budgetWindowMs;
  return escalate(input, record, reason, seen,
    `Stopped acting: the recovery budget (${settings.budget} per ${minutes(settings.budgetWindowMs)}) is used up. No further notice until ${new Date(until).toISOString()}, whatever the alarm does; the guard acts again from then.`,
    'Find out why the recovery steps do not help (worker logs, source database, network). '
    + 'A reset does not restore the budget: to act before then, restart the connector by hand (`aws kafkaconnect restart-connector`).',
    'WARNING', false, until);
}

/** When attempts inside the budget window have made room for one more (the oldest leaves the window), as ISO text. */
function actAgainAt(attempts: number[], settings: Settings): string {
  return new Date(attempts[attempts.length - settings.budget] + settings.budgetWindowMs).toISOString();
}

/** The IDLE record after an incident: nothing of it kept, but the attempts and the schedule's mark (both span incidents). */
function settled(record: RecoveryRecord): RecoveryRecord {
  return record.lastScheduledRestart === undefined
    ? { phase: 'IDLE', attempts: record.attempts }
    : { phase: 'IDLE', attempts: record.attempts, lastScheduledRestart: record.lastScheduledRestart };
}

/**
 * An operator's recover is answered with a notice saying what was asked, what the guard saw (an alarm
 * not in ALARM and the maintenance switch included) and what it did; a decision that has its own
 * notice (an escalation) keeps it, framed as the answer.
 */
function answerRecover(input: DecisionInput, decision: Decision): Decision {
  const { alarm, connector } = input.observation;
  const maintenance = alarm.actionsEnabled ? '' : ', with the maintenance switch on (alarm actions disabled)';
  const asked = `An operator invoked the guard with {"action":"recover"}; the alarm was ${alarm.state}${maintenance}, the connector ${connector?.state ?? 'missing'}.`;
  const own = decision.notice;
  const answer: Notice = own
    ? { ...own, seen: `${asked} ${own.seen}` }
    : notice(input, 'INFO', `recover: ${DONE[decision.action.kind]}`, asked,
      decision.action.kind === 'NONE' ? `Nothing: ${decision.reason}.` : `${capitalise(DONE[decision.action.kind])}: ${decision.reason}.`,
      decision.action.kind === 'NONE' ? 'Nothing.' : 'Nothing now: the guard follows the step on its next runs and reports how it ends.');
  return { ...decision, notice: answer };
}

/** What each action does, as a recover's notice says it. */
const DONE: Record<Action['kind'], string> = {
  NONE: 'nothing done',
  LOAD_CONFIG: 'reading the stored request',
  RESTART: 'restarting the connector',
  DELETE: 'deleting the connector to re-create it',
  CREATE: 'creating the connector the guard deleted',
};

/** Reports a lasting condition once (until the alarm clears), then stays quiet. */
function once(record: RecoveryRecord, key: string, reason: string, message: Notice): Decision {
  if (record.noticeKey === key) {
    return none(record, reason);
  }
  return { action: { kind: 'NONE' }, record: { ...record, noticeKey: key }, reason, notice: message, events: [] };
}

function none(record: RecoveryRecord, reason: string): Decision {
  return { action: { kind: 'NONE' }, record, reason, events: [] };
}

/**
 * The connector the guard deleted cannot be re-created from the stored request: a CRITICAL escalation
 * that keeps the create owed, so that the guard creates it once the request is usable again.
 */
function createBlocked(input: DecisionInput, reason: string, seen: string, fix: string): Decision {
  return escalate(input, input.record, reason, seen, 'Could not re-create the connector. It is DELETED.',
    `${fix} (the guard re-checks it every minute and re-creates the connector once it is usable), `
    + 'or invoke the guard with `{"action":"recover"}` (it accepts a request changed since the delete, if it keeps the offsets), '
    + 'or create the connector by hand.', 'CRITICAL', true);
}

/** Takes up the create an escalation owed: phase CREATING, the escalation and the old phase's marks cleared. */
function resumeOwedCreate(record: RecoveryRecord, now: number, attempts: number[]): RecoveryRecord {
  return {
    ...record, phase: 'CREATING', phaseSince: now, escalation: undefined, connectorArn: undefined, slowNoticeSent: undefined, createOwed: undefined, attempts,
  };
}

/** Escalated while the connector the guard deleted was missing, and it still is: the guard owes its create. */
function owesCreate(input: DecisionInput): boolean {
  return input.record.phase === 'ESCALATED' && input.record.createOwed === true && isGone(input.observation.connector);
}

/** Missing, or on its way out: a connector listed DELETING does not settle a create the guard owes. */
function isGone(connector: ConnectorView | undefined): boolean {
  return connector === undefined || connector.state === 'DELETING';
}

/** Whether the strategy may delete and re-create (its role then holds the create, PassRole and S3 read). */
function recreates(strategy: Settings['strategy']): boolean {
  return strategy === 'RESTART_THEN_RECREATE' || strategy === 'RECREATE';
}

/**
 * The guard deleted the connector, and its strategy was changed since to one whose role cannot
 * create it (no CreateConnector, PassRole or read of the stored request): say exactly that, once,
 * and keep owing the create, which goes ahead as soon as a re-creating strategy is deployed again.
 */
function strategyCannotCreate(input: DecisionInput, record: RecoveryRecord): Decision {
  const strategy = input.settings.strategy;
  return escalate(input, record, `connector deleted, but the strategy is now ${strategy}`,
    `The guard deleted the connector to re-create it, and its strategy has since been changed to ${strategy}, whose role cannot create connectors.`,
    'Nothing: the connector is still deleted.',
    'Deploy the guard again with RESTART_THEN_RECREATE or RECREATE: it then creates the connector from the stored request on its next run. '
    + 'Or re-create the connector by hand from the stored request, then reset the guard with `{"action":"reset"}`.',
    'CRITICAL', true);
}

/**
 * Whether the restart should restart only the failed tasks: it is the incident's first restart, the
 * composite fired on the errored-tasks or crash-loop alarm alone (nothing says the healthy tasks
 * stalled), and the connector runs Kafka Connect 3.7 or later, where `onlyFailedTasks` leaves the
 * healthy tasks running. On 2.7.1 a restart restarts the connector.
 */
function failedTasksOnly(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView): boolean {
  // Only the incident's first restart: the composite's reason is stale on a retry (it changes only with
  // the composite's state), and a narrow restart that did not help calls for a full one.
  if (record.incident?.steps.includes('restart')) {
    return false;
  }
  const triggeredBy = input.observation.alarm.triggeredBy ?? [];
  const version = /^(\d+)\.(\d+)\./.exec(connector.kafkaConnectVersion ?? '');
  const atLeast37 = version !== null && (Number(version[1]) > 3 || (Number(version[1]) === 3 && Number(version[2]) >= 7));
  const taskAlarms = [ERRORED_TASKS_SIGNAL, CRASH_LOOP_SIGNAL].map((signal) => guardAlarmName(input.settings.connectorName, signal));
  return atLeast37 && triggeredBy.length > 0 && triggeredBy.every((name) => taskAlarms.includes(name));
}

function planStep(strategy: Settings['strategy'], connector: ConnectorView): Step | undefined {
  if (strategy === 'RECREATE') {
    return 'recreate';
  }
  if (connector.state === 'RUNNING') {
    return 'restart';
  }
  // FAILED: RestartConnector needs RUNNING, so only a recreate can help.
  return strategy === 'RESTART_THEN_RECREATE' ? 'recreate' : undefined;
}

function addStep(incident: Incident | undefined, step: Step): Incident | undefined {
  return incident ? { ...incident, steps: [...incident.steps, step] } : undefined;
}

function withinWindow(attempts: number[], settings: Settings, now: number): number[] {
  return attempts.filter((t) => now - t < settings.budgetWindowMs);
}

function notice(input: DecisionInput, severity: Notice['severity'], subject: string, seen: string, done: string, next: string): Notice {
  return { severity, subject: `[${severity}] ${input.settings.connectorName}: ${subject}`, seen, done, next };
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

