import { minutes } from '../duration';
import type { Action, ConnectorView, Decision } from '../model';
import {
  deleteAcceptedStillListed, deleteKeepsFailing, otherOperationBeforeDelete, recreateAbandoned, requestUnusableAfterDelete, stillDeleting,
} from '../notices';
import { createDeleted, waitForCreate } from './creating';
import { reasonNotToDelete, revertRisk, startRecreate } from './recreate';
import { none, slow, TRANSITIONAL, type DecisionInput } from './transitions';

/**
 * How long a connector still listed intact after the delete intent may be a stale listing (or a
 * delete whose answer was lost) rather than a delete that did not take. ListConnectors lags by seconds.
 */
export const DELETE_SETTLE_MS = 5 * 60_000;

export function decideDeleting(input: DecisionInput): Decision {
  const { record, observation: obs } = input;
  const connector = obs.connector;
  if (!connector) {
    // Deleted: the guard owes a create, whatever else is going on.
    return createDeleted(input, { ...record, phase: 'CREATING', phaseSince: input.now, connectorArn: undefined, slowNoticeSent: undefined }, {
      reading: 'connector deleted; reading the stored request to re-create it',
      blocked: requestUnusableAfterDelete,
      creating: 'old connector gone; creating it again from the stored request',
    });
  }
  if (connector.arn !== record.connectorArn) {
    return waitForCreate(input, connector, 'a connector with the guarded name exists again (created by someone else)');
  }
  if (connector.state === 'DELETING') {
    return slow(input, 'delete in progress; waiting', stillDeleting(input.settings));
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
      deleteAcceptedStillListed(input.settings, connector.state, standDown));
  }
  if (standDown !== undefined) {
    return {
      action: { kind: 'NONE' },
      record: { ...record, phase: 'IDLE', phaseSince: input.now, connectorArn: undefined, slowNoticeSent: undefined, deletedFrom: undefined, ranAs: undefined },
      reason: `the delete did not take and ${standDown}: not deleting`,
      notice: recreateAbandoned(input.settings, connector.state, standDown),
      events: [],
    };
  }
  if (TRANSITIONAL.has(connector.state)) {
    return slow(input, `connector is ${connector.state} (another operation in progress); waiting before deleting again`,
      otherOperationBeforeDelete(input.settings, connector.state));
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
 * In DELETING, the connector the guard meant to delete is listed intact long enough after the intent
 * that the listing is not stale: an operator's reset may then cancel the re-create.
 */
export function deleteNotTaken(input: DecisionInput): boolean {
  const { record, observation, now, settings } = input;
  const connector = observation.connector;
  // A delete AWS accepted gets the whole operation timeout to show before a reset may forget it.
  const settle = record.deleteAccepted ? Math.max(DELETE_SETTLE_MS, settings.operationTimeoutMs) : DELETE_SETTLE_MS;
  return connector !== undefined && connector.arn === record.connectorArn && connector.state !== 'DELETING'
    && now - (record.phaseSince ?? now) >= settle;
}

export function deleteAgain(input: DecisionInput, connector: ConnectorView): Decision {
  const { record, settings, now } = input;
  const action: Action = { kind: 'DELETE', connectorArn: connector.arn, currentVersion: connector.currentVersion };
  const reason = `connector still ${connector.state} in phase DELETING; issuing the delete again`;
  // A delete that AWS keeps undoing would otherwise be re-issued every minute in silence.
  if (!record.slowNoticeSent && now - (record.phaseSince ?? now) > settings.operationTimeoutMs) {
    return {
      action,
      record: { ...record, slowNoticeSent: true },
      reason: `${reason} (for longer than ${minutes(settings.operationTimeoutMs)})`,
      notice: deleteKeepsFailing(settings, connector.state),
      events: [],
    };
  }
  return { action, record, reason, events: [] };
}
