import { mayRecreate } from '../constants';
import type { ConfigCheck, ConnectorView, Decision, OffsetsLocation, RecoveryRecord, RevertRisk, Settings } from '../model';
import { recreateRequestUnusable, recreateWouldLoseOffsets, recreateWouldRevert } from '../notices';
import { addStep, escalate, stepStarted, type DecisionInput } from './transitions';

/** Deletes only once the stored request is valid and the recreate is proven to keep offsets. */
export function startRecreate(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView, why?: string): Decision {
  const { observation: obs, settings } = input;
  if (!obs.config) {
    return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'reading the stored request before any delete', events: [] };
  }
  if (!obs.config.request) {
    return escalate(input, record, recreateRequestUnusable(settings, why, connector.state, obs.config.problems));
  }
  const risk = revertRisk(settings, obs.config);
  if (risk !== undefined) {
    return escalate(input, record, recreateWouldRevert(settings, why, connector.state, risk));
  }
  if (!obs.config.offsetsPreserved && !settings.allowOffsetReset) {
    return escalate(input, record, recreateWouldLoseOffsets(settings, why, connector.state, obs.config.offsetsProblem));
  }
  const started = addStep(record.incident ?? { startedAt: input.now, trigger: input.trigger, initialState: connector.state, steps: [] }, 'recreate');
  const uncompared = obs.config.drift?.uncompared ?? [];
  const incident = started && uncompared.length > 0 ? { ...started, uncompared } : started;
  return {
    action: { kind: 'DELETE', connectorArn: connector.arn, currentVersion: connector.currentVersion },
    record: {
      ...stepStarted(input, record, 'DELETING', connector, incident),
      noticeKey: undefined,
      deletedFrom: offsetsLocation(connector),
      ranAs: obs.config.fingerprint,
      deleteAccepted: undefined,
      createOwed: undefined,
    },
    reason: `${why ?? `connector ${connector.state}`}: deleting to re-create from the stored request${obs.config.offsetsPreserved ? '' : ' (offset reset allowed)'}`,
    events: [{ kind: 'STEP_STARTED', step: 'recreate' }],
  };
}

/**
 * Why re-creating the running connector from the stored request would harm it, or undefined when it
 * would not: its CloudFormation stack would lose track of it, or the request is older than the
 * connector (a recreate would revert what changed since), or the two could not be compared.
 */
export function revertRisk(settings: Settings, config: ConfigCheck): RevertRisk | undefined {
  const drift = config.drift;
  if (settings.cloudFormationManaged || drift?.stack !== undefined) {
    return drift?.stack !== undefined ? { kind: 'CLOUDFORMATION', stack: drift.stack } : { kind: 'CLOUDFORMATION' };
  }
  if (drift === undefined) {
    return { kind: 'UNCOMPARED' };
  }
  return drift.differences.length > 0 ? { kind: 'DIFFERS', differences: drift.differences } : undefined;
}

/** Why an intact connector must not be deleted now (the IDLE rules), or undefined when it may. */
export function reasonNotToDelete(input: DecisionInput, connector: ConnectorView): string | undefined {
  const { observation: obs, settings } = input;
  if (connector.state === 'PAUSED') {
    return 'the connector is PAUSED';
  }
  if (!mayRecreate(settings.strategy)) {
    return `the strategy is now ${settings.strategy}`;
  }
  if (!obs.alarm.actionsEnabled) {
    return 'the maintenance switch is on (alarm actions disabled)';
  }
  return obs.alarm.state === 'ALARM' ? undefined : `the alarm is ${obs.alarm.state}`;
}

/** Where a connector keeps its offsets, when the observation says (undefined otherwise, e.g. in hand-made views). */
export function offsetsLocation(connector: ConnectorView): OffsetsLocation | undefined {
  const { workerConfigurationArn, workerConfigurationRevision, bootstrapServers } = connector;
  if (workerConfigurationArn === undefined && workerConfigurationRevision === undefined && bootstrapServers === undefined) {
    return undefined;
  }
  return { workerConfigurationArn, workerConfigurationRevision, bootstrapServers };
}
