import { minutes } from '../duration';
import type { ConnectorView, Decision } from '../model';
import { budgetUsedUpAfterStep, connectorGoneDuringRestart, preventiveRestartIncomplete } from '../notices';
import { reasonNotToDelete, startRecreate } from './recreate';
import { budgetSpent, escalate, none, settled, TRANSITIONAL, withinWindow, type DecisionInput } from './transitions';
import { verify } from './verifying';

/** Restart operation states that end the operation. */
export const OPERATION_DONE = 'RESTART_COMPLETE';

export const OPERATION_FAILED = new Set(['RESTART_FAILED', 'FAILED', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'UPDATE_FAILED']);

export function decideRestarting(input: DecisionInput): Decision {
  const { record, observation: obs, settings, now } = input;
  const connector = obs.connector;
  if (!connector) {
    return escalate(input, record, connectorGoneDuringRestart(settings));
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

/** A restart did not work: fall back to a recreate when the strategy allows it, else retry or escalate. */
export function afterFailedStep(input: DecisionInput, connector: ConnectorView, what: string): Decision {
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
      return budgetSpent(input, { ...record, attempts }, (until) => budgetUsedUpAfterStep(settings, what, until));
    }
    return startRecreate(input, { ...record, phase: 'IDLE', attempts }, connector, what);
  }
  if (scheduled) {
    return {
      action: { kind: 'NONE' },
      record: settled(record),
      reason: `preventive restart: ${what}`,
      notice: preventiveRestartIncomplete(settings, what),
      events: [],
    };
  }
  return none({ ...record, phase: 'IDLE', phaseSince: input.now, operationArn: undefined }, `${what}; next attempt after the backoff`);
}
