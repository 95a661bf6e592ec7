import type { Decision } from '../model';
import { escalationCleared } from '../notices';
import { createHurdle, decideCreating, isGone, owesCreate, resumeOwedCreate } from './creating';
import { decideIdle } from './idle';
import { NO_INCIDENT_FLAGS, none, settled, withinWindow, type DecisionInput } from './transitions';

export function decideEscalated(given: DecisionInput): Decision {
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
      notice: escalationCleared(settings, record.escalation),
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
    switch (createHurdle(input)?.kind) {
      case 'STRATEGY':
        // Said once, when escalating; its role cannot read the stored request or create anyway.
        return none(record, `escalated owing the create; the strategy ${settings.strategy} cannot re-create: waiting for a re-creating strategy`);
      case 'READ':
        return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'escalated with the connector deleted: checking whether the stored request is usable now', events: [] };
      case 'UNUSABLE':
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
