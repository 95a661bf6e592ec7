import { mayRecreate } from '../constants';
import type { Decision, RecoveryRecord } from '../model';
import { guardReset, recoverAnswer, resetCreateStillOwed } from '../notices';
import { owesCreate, resumeOwedCreate } from './creating';
import { deleteNotTaken } from './deleting';
import { actsAgainAt, settled, withinWindow, type DecisionInput } from './transitions';

/** An operator's reset: clears an escalation (never the attempts in the budget window), never abandons a connector the guard deleted. */
export function decideReset(input: DecisionInput): Decision {
  const { record } = input;
  // A connector the guard is deleting or re-creating must not be left deleted: a reset keeps the recreate going,
  // and an escalation that still owes a create goes back to creating.
  const owed = owesCreate(input);
  // A reset clears an escalation, not the attempts in the budget window: resets cannot buy recovery steps.
  const attempts = withinWindow(record.attempts, input.settings, input.now);
  if (owed && !mayRecreate(input.settings.strategy)) {
    // The create is still owed, and this strategy cannot make it: stay escalated, and say so.
    return {
      action: { kind: 'NONE' },
      record: { ...record, attempts },
      reason: 'manual reset: the create is still owed and the strategy cannot re-create',
      notice: resetCreateStillOwed(input.settings, record),
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
    notice: guardReset(input.settings, record, inFlight, attempts.length, spent ? actsAgainAt(attempts, input.settings) : undefined),
    events: [],
  };
}

/** An operator's recover is always answered with a notice (an escalation's own notice, framed as the answer). */
export function answerRecover(input: DecisionInput, decision: Decision): Decision {
  return { ...decision, notice: recoverAnswer(input.settings, input.observation, decision) };
}
