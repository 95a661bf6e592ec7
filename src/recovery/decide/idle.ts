import { CRASH_LOOP_SIGNAL, ERRORED_TASKS_SIGNAL, guardAlarmName } from '../../signals/alarm-text';
import { backoffMs } from '../backoff';
import { minutes } from '../duration';
import type { ConnectorView, Decision, Incident, RecoveryRecord, Settings, Step } from '../model';
import { budgetUsedUpInAlarm, connectorPaused, inMaintenance, noConnectorNamed, notifyOnly, restartOnlyCannotRestart, stateNotHandled } from '../notices';
import { reasonNotToDelete, startRecreate } from './recreate';
import { addStep, budgetSpent, escalate, NO_INCIDENT_FLAGS, none, once, settled, stepStarted, TRANSITIONAL, withinWindow, type DecisionInput } from './transitions';

export function decideIdle(input: DecisionInput): Decision {
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
    return once(record, 'maintenance', 'maintenance switch on: alarm actions are disabled; not acting', inMaintenance(settings));
  }
  const connector = obs.connector;
  if (!connector) {
    return escalate(input, record, noConnectorNamed(settings));
  }
  if (connector.state === 'PAUSED') {
    return once(record, 'paused', 'connector is PAUSED by an operator; not acting', connectorPaused(settings));
  }
  if (TRANSITIONAL.has(connector.state)) {
    return none(record, `connector is ${connector.state} (another operation in progress); waiting`);
  }
  if (connector.state !== 'RUNNING' && connector.state !== 'FAILED') {
    return escalate(input, record, stateNotHandled(settings, connector.state));
  }
  if (settings.strategy === 'NOTIFY_ONLY') {
    return once(record, 'notify-only', 'notify-only mode: not acting', notifyOnly(settings, connector));
  }
  const plan = planStep(settings.strategy, connector);
  if (plan === undefined) {
    return escalate(input, record, restartOnlyCannotRestart(settings, connector.state));
  }
  // An operator may ask for a restart at any time; a delete needs what an alarm-driven one needs (the
  // same rules as any delete: for the other triggers they already hold here).
  const notNow = plan === 'recreate' && trigger === 'MANUAL_RECOVER' ? reasonNotToDelete(input, connector) : undefined;
  if (notNow !== undefined) {
    return none(record, `recover: a recreate needs the alarm in ALARM and the maintenance switch off, and ${notNow}; nothing done`);
  }
  if (record.attempts.length >= settings.budget) {
    return budgetSpent(input, record, (until) => budgetUsedUpInAlarm(settings, record.attempts.length, until));
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

export function decideScheduledRestart(input: DecisionInput, record: RecoveryRecord): Decision {
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

export function planStep(strategy: Settings['strategy'], connector: ConnectorView): Step | undefined {
  if (strategy === 'RECREATE') {
    return 'recreate';
  }
  if (connector.state === 'RUNNING') {
    return 'restart';
  }
  // FAILED: RestartConnector needs RUNNING, so only a recreate can help.
  return strategy === 'RESTART_THEN_RECREATE' ? 'recreate' : undefined;
}

export function startRestart(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView): Decision {
  const onlyFailedTasks = failedTasksOnly(input, record, connector);
  const incident = addStep(record.incident, 'restart');
  return {
    action: { kind: 'RESTART', connectorArn: connector.arn, ...(onlyFailedTasks ? { onlyFailedTasks } : {}) },
    record: { ...stepStarted(input, record, 'RESTARTING', connector, incident), narrowRestart: onlyFailedTasks || undefined },
    reason: `alarm ${input.observation.alarm.state} with connector ${connector.state}: restarting ${onlyFailedTasks ? 'its failed tasks' : 'in place'}`,
    events: [{ kind: 'STEP_STARTED', step: 'restart' }],
  };
}

/**
 * Whether the restart should restart only the failed tasks: it is the incident's first restart, the
 * composite fired on the errored-tasks or crash-loop alarm alone (nothing says the healthy tasks
 * stalled), and the connector runs Kafka Connect 3.7 or later, where `onlyFailedTasks` leaves the
 * healthy tasks running. On 2.7.1 a restart restarts the connector.
 */
export function failedTasksOnly(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView): boolean {
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
