import { mayRecreate } from '../constants';
import type { ConnectorView, Decision, RecoveryRecord, Settings } from '../model';
import { deletedButStrategyCannotCreate, recreatedFailed, requestStillUnusable, stillCreating, type Escalation } from '../notices';
import { fingerprintDifferences } from '../request-drift';
import { locationMismatch, requestOffsetsLocation } from '../stored-request';
import { offsetsLocation } from './recreate';
import { escalate, slow, type DecisionInput } from './transitions';
import { verify } from './verifying';

export function decideCreating(input: DecisionInput): Decision {
  const { record, observation: obs } = input;
  const connector = obs.connector;
  if (!connector) {
    // The create was never issued, or was refused: issue it again (a duplicate is refused by the API).
    return createDeleted(input, record, {
      reading: 'connector still missing; reading the stored request to create it',
      blocked: requestStillUnusable,
      creating: 'connector still missing; issuing the create again',
    });
  }
  return waitForCreate(input, connector, `new connector is ${connector.state}`);
}

export function waitForCreate(input: DecisionInput, connector: ConnectorView, why: string): Decision {
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
    return escalate(input, record, recreatedFailed(input.settings));
  }
  const base: RecoveryRecord = { ...record, phase: 'CREATING', connectorArn: connector.arn };
  return slow({ ...input, record: base }, `${why}; waiting`, stillCreating(input.settings, connector.state));
}

/** What stands before the create of the connector the guard deleted; undefined when nothing does. */
export type CreateHurdle =
  /** The strategy cannot re-create (its role holds no create, PassRole or read of the request). */
  | { readonly kind: 'STRATEGY' }
  /** The stored request must be read first. */
  | { readonly kind: 'READ' }
  /** The stored request cannot be used, for this reason. */
  | { readonly kind: 'UNUSABLE'; readonly problem: string };

export function createHurdle(input: DecisionInput): CreateHurdle | undefined {
  if (!mayRecreate(input.settings.strategy)) {
    return { kind: 'STRATEGY' };
  }
  if (!input.observation.config) {
    return { kind: 'READ' };
  }
  const problem = createBlocker(input);
  return problem === undefined ? undefined : { kind: 'UNUSABLE', problem };
}

/** How a phase words the create of the connector the guard deleted, step by step. */
export interface CreateWords {
  /** The log reason while the stored request is read. */
  readonly reading: string;
  /** The escalation when the request is unusable for this reason. */
  readonly blocked: (settings: Settings, problem: string) => Escalation;
  /** The log reason of the create. */
  readonly creating: string;
}

/** The create of the connector the guard deleted (DELETING and CREATING alike): `next` is the record the create starts from. */
export function createDeleted(input: DecisionInput, next: RecoveryRecord, words: CreateWords): Decision {
  const hurdle = createHurdle(input);
  switch (hurdle?.kind) {
    case 'STRATEGY':
      return strategyCannotCreate(input, input.record);
    case 'READ':
      return { action: { kind: 'LOAD_CONFIG' }, record: input.record, reason: words.reading, events: [] };
    case 'UNUSABLE':
      // The create stays owed: the guard creates the connector once the request is usable again.
      return escalate(input, input.record, words.blocked(input.settings, hurdle.problem), true);
    default:
      return create(input, next, words.creating);
  }
}

/**
 * Why the stored request, read again after the delete, must not be used for the create: invalid, or
 * changed since the delete so that it would not resume from where the deleted connector kept its
 * offsets (proven when the delete was decided). Undefined when usable.
 */
export function createBlocker(input: DecisionInput): string | undefined {
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
export function requestMoved(input: DecisionInput): string | undefined {
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
export function create(input: DecisionInput, record: RecoveryRecord, reason: string): Decision {
  const config = input.observation.config!;
  const unproven = input.settings.allowOffsetReset
    && (!config.offsetsPreserved || input.record.deletedFrom === undefined || requestMoved(input) !== undefined);
  const incident = unproven && record.incident ? { ...record.incident, offsetsReset: 'allowOffsetReset let the create through without that proof' } : record.incident;
  return { action: { kind: 'CREATE', request: config.request! }, record: incident === record.incident ? record : { ...record, incident }, reason, events: [] };
}

/** Takes up the create an escalation owed: phase CREATING, the escalation and the old phase's marks cleared. */
export function resumeOwedCreate(record: RecoveryRecord, now: number, attempts: number[]): RecoveryRecord {
  return {
    ...record, phase: 'CREATING', phaseSince: now, escalation: undefined, connectorArn: undefined, slowNoticeSent: undefined, createOwed: undefined, attempts,
  };
}

/** Escalated while the connector the guard deleted was missing, and it still is: the guard owes its create. */
export function owesCreate(input: DecisionInput): boolean {
  return input.record.phase === 'ESCALATED' && input.record.createOwed === true && isGone(input.observation.connector);
}

/** Missing, or on its way out: a connector listed DELETING does not settle a create the guard owes. */
export function isGone(connector: ConnectorView | undefined): boolean {
  return connector === undefined || connector.state === 'DELETING';
}

/**
 * The guard deleted the connector, and its strategy was changed since to one whose role cannot
 * create it (no CreateConnector, PassRole or read of the stored request): say exactly that, once,
 * and keep owing the create, which goes ahead as soon as a re-creating strategy is deployed again.
 */
export function strategyCannotCreate(input: DecisionInput, record: RecoveryRecord): Decision {
  return escalate(input, record, deletedButStrategyCannotCreate(input.settings), true);
}
