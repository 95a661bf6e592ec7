import type { ConnectorView, Decision, Incident, Notice, Observation, Phase, RecoveryEvent, RecoveryRecord, Settings, Step, TriggerKind } from '../model';

/** States in which someone (MSK Connect, an operator, a deployment) is already changing the connector. */
export const TRANSITIONAL = new Set(['CREATING', 'UPDATING', 'DELETING', 'PAUSING', 'RESUMING', 'RESTARTING']);

/** The record's flags that belong to one incident's recreate or restart, cleared when a new one starts. */
export const NO_INCIDENT_FLAGS = {
  deletedFrom: undefined, ranAs: undefined, deleteAccepted: undefined, createOwed: undefined, restartUnconfirmed: undefined, narrowRestart: undefined,
} as const;

/** Input of one decision. */
export interface DecisionInput {
  readonly record: RecoveryRecord;
  readonly observation: Observation;
  readonly trigger: TriggerKind;
  readonly settings: Settings;
  /** ms epoch */
  readonly now: number;
}

export function none(record: RecoveryRecord, reason: string): Decision {
  return { action: { kind: 'NONE' }, record, reason, events: [] };
}

/** Reports a lasting condition once (until the alarm clears), then stays quiet. */
export function once(record: RecoveryRecord, key: string, reason: string, message: Notice): Decision {
  if (record.noticeKey === key) {
    return none(record, reason);
  }
  return { action: { kind: 'NONE' }, record: { ...record, noticeKey: key }, reason, notice: message, events: [] };
}

/** Escalates to a human; `createOwed` when the connector the guard deleted is missing and must still be created. */
export function escalate(
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
export function slow(input: DecisionInput, reason: string, seen: string, done: string, next: string): Decision {
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
export function budgetSpent(input: DecisionInput, record: RecoveryRecord, reason: string, seen: string): Decision {
  const { settings } = input;
  const until = Math.max(...record.attempts) + settings.budgetWindowMs;
  return escalate(input, record, reason, seen,
    `Stopped acting: the recovery budget (${settings.budget} per ${minutes(settings.budgetWindowMs)}) is used up. No further notice until ${new Date(until).toISOString()}, whatever the alarm does; the guard acts again from then.`,
    'Find out why the recovery steps do not help (worker logs, source database, network). '
    + 'A reset does not restore the budget: to act before then, restart the connector by hand (`aws kafkaconnect restart-connector`).',
    'WARNING', false, until);
}

/** When attempts inside the budget window have made room for one more (the oldest leaves the window), as ISO text. */
export function actAgainAt(attempts: number[], settings: Settings): string {
  return new Date(attempts[attempts.length - settings.budget] + settings.budgetWindowMs).toISOString();
}

/** The IDLE record after an incident: nothing of it kept, but the attempts and the schedule's mark (both span incidents). */
export function settled(record: RecoveryRecord): RecoveryRecord {
  return record.lastScheduledRestart === undefined
    ? { phase: 'IDLE', attempts: record.attempts }
    : { phase: 'IDLE', attempts: record.attempts, lastScheduledRestart: record.lastScheduledRestart };
}


export function addStep(incident: Incident | undefined, step: Step): Incident | undefined {
  return incident ? { ...incident, steps: [...incident.steps, step] } : undefined;
}

export function withinWindow(attempts: number[], settings: Settings, now: number): number[] {
  return attempts.filter((t) => now - t < settings.budgetWindowMs);
}

export function notice(input: DecisionInput, severity: Notice['severity'], subject: string, seen: string, done: string, next: string): Notice {
  return { severity, subject: `[${severity}] ${input.settings.connectorName}: ${subject}`, seen, done, next };
}

export function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The record of a recovery step started now on `connector`: counted in the budget, the previous phase's marks cleared. */
export function stepStarted(
  input: DecisionInput, record: RecoveryRecord, phase: Phase, connector: ConnectorView, incident: Incident | undefined,
): RecoveryRecord {
  return {
    ...record,
    phase,
    phaseSince: input.now,
    incident,
    connectorArn: connector.arn,
    operationArn: undefined,
    attempts: [...record.attempts, input.now],
    slowNoticeSent: undefined,
    restartUnconfirmed: undefined,
  };
}
