/**
 * The recovery function's decision core: one pure function from what is stored, observed and asked to
 * the one next step. This file dispatches by trigger and phase; each phase's rules live in `decide/`
 * (`idle`, `restarting`, `verifying`, `recreate` before a delete, `deleting`, `creating`, `escalated`,
 * `operator` for reset and recover), over the shared record transitions in `decide/transitions.ts`;
 * what each notice says is in `notices.ts`.
 */
import { decideCreating } from './decide/creating';
import { decideDeleting } from './decide/deleting';
import { decideEscalated } from './decide/escalated';
import { decideIdle } from './decide/idle';
import { decideReset, answerRecover } from './decide/operator';
import { decideRestarting } from './decide/restarting';
import { none, type DecisionInput } from './decide/transitions';
import { decideVerifying } from './decide/verifying';
import type { Decision } from './model';

export type { DecisionInput } from './decide/transitions';

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
  if (trigger === 'DRILL') {
    // The drill decides as an alarm would (decide/drill.ts), and never runs a reconcile: nothing to do here.
    return none(record, `drill requested; phase ${record.phase}`);
  }
  if (trigger === 'MANUAL_RESET') {
    return decideReset(input);
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
