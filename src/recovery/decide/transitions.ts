import { minutes } from '../duration';
import type { ConnectorView, Decision, Incident, Notice, Observation, Phase, RecoveryEvent, RecoveryRecord, Settings, Step, TriggerKind } from '../model';
import type { Escalation } from '../notices';

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
export function escalate(input: DecisionInput, record: RecoveryRecord, escalation: Escalation, createOwed = false, quietUntil?: number): Decision {
  const events: RecoveryEvent[] = [{ kind: 'ESCALATED' }];
  return {
    action: { kind: 'NONE' },
    record: {
      ...record, phase: 'ESCALATED', phaseSince: input.now, escalation: escalation.reason, operationArn: undefined, createOwed: createOwed || undefined, quietUntil,
    },
    reason: `escalating: ${escalation.reason}`,
    notice: escalation.notice,
    events,
  };
}

/** Waits, sending the 'taking longer than expected' notice once, when the operation timeout has passed. */
export function slow(input: DecisionInput, reason: string, takingLonger: Notice): Decision {
  const { record, settings, now } = input;
  if (!record.slowNoticeSent && now - (record.phaseSince ?? now) > settings.operationTimeoutMs) {
    return {
      action: { kind: 'NONE' },
      record: { ...record, slowNoticeSent: true },
      reason: `${reason} (slower than ${minutes(settings.operationTimeoutMs)})`,
      notice: takingLonger,
      events: [],
    };
  }
  return none(record, reason);
}

/**
 * The recovery budget is used up: escalate once, saying when the guard acts again, and stay quiet until
 * then (the last attempt leaves the window), however often the alarm flaps, unless an operator resets.
 */
export function budgetSpent(input: DecisionInput, record: RecoveryRecord, escalation: (until: number) => Escalation): Decision {
  const until = Math.max(...record.attempts) + input.settings.budgetWindowMs;
  return escalate(input, record, escalation(until), false, until);
}

/** When attempts inside the budget window have made room for one more (the oldest leaves the window). */
export function actsAgainAt(attempts: number[], settings: Settings): number {
  return attempts[attempts.length - settings.budget] + settings.budgetWindowMs;
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
