import { mayRecreate } from '../constants';
import type { Action, Decision, Notice, RecoveryRecord } from '../model';
import { owesCreate, resumeOwedCreate } from './creating';
import { deleteNotTaken } from './deleting';
import { actAgainAt, capitalise, minutes, notice, settled, withinWindow, type DecisionInput } from './transitions';

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

/**
 * An operator's recover is answered with a notice saying what was asked, what the guard saw (an alarm
 * not in ALARM and the maintenance switch included) and what it did; a decision that has its own
 * notice (an escalation) keeps it, framed as the answer.
 */
export function answerRecover(input: DecisionInput, decision: Decision): Decision {
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
export const DONE: Record<Action['kind'], string> = {
  NONE: 'nothing done',
  LOAD_CONFIG: 'reading the stored request',
  RESTART: 'restarting the connector',
  DELETE: 'deleting the connector to re-create it',
  CREATE: 'creating the connector the guard deleted',
};
