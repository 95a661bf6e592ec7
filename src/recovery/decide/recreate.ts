import { mayRecreate } from '../constants';
import type { ConfigCheck, ConnectorView, Decision, OffsetsLocation, RecoveryRecord, Settings } from '../model';
import { addStep, capitalise, escalate, stepStarted, type DecisionInput } from './transitions';

/** Deletes only once the stored request is valid and the recreate is proven to keep offsets. */
export function startRecreate(input: DecisionInput, record: RecoveryRecord, connector: ConnectorView, why?: string): Decision {
  const { observation: obs, settings } = input;
  if (!obs.config) {
    return { action: { kind: 'LOAD_CONFIG' }, record, reason: 'reading the stored request before any delete', events: [] };
  }
  const cause = why ? `${capitalise(why)}. ` : `The connector is ${connector.state}. `;
  if (!obs.config.request) {
    return escalate(input, record, 'stored CreateConnector request unusable; not deleting',
      `${cause}A recreate is needed, but the stored CreateConnector request cannot be used: ${obs.config.problems.join('; ')}.`,
      'Nothing was deleted: the connector is as it was.',
      'Fix the stored request, then invoke the guard with `{"action":"recover"}`.');
  }
  const risk = revertRisk(settings, obs.config);
  if (risk !== undefined) {
    return escalate(input, record, risk.reason, `${cause}${risk.seen}`, 'Nothing was deleted: the connector is as it was.', risk.next);
  }
  if (!obs.config.offsetsPreserved && !settings.allowOffsetReset) {
    return escalate(input, record, 'recreate would lose committed offsets; not deleting',
      `${cause}A recreate is needed, but it is not proven to resume from the committed offsets: ${obs.config.offsetsProblem ?? 'unknown reason'}.`,
      'Nothing was deleted: the connector is as it was.',
      'Make the stored request name the worker configuration (latest revision, setting offset.storage.topic) and the bootstrap servers the running connector uses, or set allowOffsetReset on the guard if re-reading the source is acceptable.');
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

/** What a human is told when a recreate would harm the running connector. */
export interface RevertRisk {
  readonly reason: string;
  readonly seen: string;
  readonly next: string;
}

/**
 * Why re-creating the running connector from the stored request would harm it, or undefined when it
 * would not: its CloudFormation stack would lose track of it, or the request is older than the
 * connector (a recreate would revert what changed since), or the two could not be compared.
 */
export function revertRisk(settings: Settings, config: ConfigCheck): RevertRisk | undefined {
  const drift = config.drift;
  if (settings.cloudFormationManaged || drift?.stack !== undefined) {
    const stack = drift?.stack !== undefined ? `CloudFormation stack ${drift.stack}` : 'a CloudFormation stack (the guard was built from its CfnConnector)';
    return {
      reason: 'connector managed by CloudFormation; not deleting',
      seen: `A recreate is needed, but the connector belongs to ${stack}. Re-created outside the stack it would get a new ARN the stack does not know, and the stack's next update or delete would fail or orphan it.`,
      next: 'Replace the connector through its stack (a deployment that replaces the AWS::KafkaConnect::Connector), then reset the guard with `{"action":"reset"}`.',
    };
  }
  if (drift === undefined) {
    return {
      reason: 'running connector could not be compared with the stored request; not deleting',
      seen: 'A recreate is needed, but the running connector could not be described (DescribeConnector, ListTagsForResource), so the guard cannot prove that the stored request would not revert it.',
      next: 'Check that the recovery role may call kafkaconnect:DescribeConnector and kafkaconnect:ListTagsForResource on the connector, then invoke the guard with `{"action":"recover"}`.',
    };
  }
  if (drift.differences.length > 0) {
    return {
      reason: 'stored request differs from the running connector; not deleting',
      seen: `A recreate is needed, but the stored CreateConnector request differs from the running connector in ${drift.differences.join(', ')}: a recreate from it would revert ${drift.differences.length === 1 ? 'that change' : 'those changes'}.`,
      next: 'Refresh the stored request from the running connector (README, "Refreshing the stored request": describe-connector and list-tags-for-resource), then invoke the guard with `{"action":"recover"}`.',
    };
  }
  return undefined;
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
