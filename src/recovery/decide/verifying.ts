import type { Decision, RecoveryRecord } from '../model';
import { afterFailedStep } from './restarting';
import { minutes, none, notice, settled, type DecisionInput } from './transitions';

export function decideVerifying(input: DecisionInput): Decision {
  const { record, observation: obs, settings, now } = input;
  const incident = record.incident;
  if (obs.alarm.state === 'OK') {
    const seconds = incident ? Math.round((now - incident.startedAt) / 1000) : 0;
    const scheduled = incident?.trigger === 'SCHEDULED_RESTART';
    const masked = incident?.uncompared?.length
      ? ` DescribeConnector masked ${incident.uncompared.join(', ')}, so for those keys the guard compared only their presence with the stored request, not their values.`
      : '';
    const recovered = `Recovered by ${(incident?.steps ?? []).join(' then ') || 'no action'}; the alarm is OK again ${seconds} s after the first step.${masked}`;
    // A recreate allowed to lose the committed offsets is not a plain recovery: the data downstream needs a look.
    const notified = incident?.offsetsReset
      ? notice(input, 'WARNING', 'connector recovered, committed offsets reset',
        `The alarm fired while the connector reported ${incident.initialState}.`,
        `${recovered} The new connector is not proven to resume from the committed offsets (${incident.offsetsReset}), so it may have started without them.`,
        'Check the data downstream: Debezium re-snapshots the captured tables (snapshot.mode=initial), or with snapshot.mode=never the changes made before the recreate are missing. To keep offsets next time, give the stored request a worker configuration that sets offset.storage.topic.')
      : notice(input, 'INFO', 'connector recovered',
        `The alarm fired while the connector reported ${incident?.initialState ?? 'unknown'}.`,
        recovered,
        'Nothing now. If this repeats, look for the root cause (network idle timeouts, source database restarts).');
    return {
      action: { kind: 'NONE' },
      record: settled(record),
      reason: scheduled ? 'preventive restart done; alarm OK' : 'alarm back to OK: recovered',
      notice: scheduled ? undefined : notified,
      events: scheduled ? [] : [{ kind: 'RECOVERED', seconds }],
    };
  }
  if (now - (record.phaseSince ?? now) < settings.verifyMs) {
    return none(record, `verifying: waiting up to ${minutes(settings.verifyMs)} for the alarm to clear (now ${obs.alarm.state})`);
  }
  const connector = obs.connector;
  const lastStep = incident?.steps[incident.steps.length - 1];
  // Only an alarm still in ALARM justifies a delete: INSUFFICIENT_DATA proves nothing either way.
  // Nor does a restart that may never have run (refused on a retry): the next attempt restarts again.
  if (connector && lastStep === 'restart' && obs.alarm.state === 'ALARM' && settings.strategy === 'RESTART_THEN_RECREATE'
    && incident?.trigger !== 'SCHEDULED_RESTART' && !record.restartUnconfirmed && !record.narrowRestart) {
    return afterFailedStep(input, connector, `the alarm is still ${obs.alarm.state} ${minutes(settings.verifyMs)} after the restart`);
  }
  // Another attempt (same kind) after the backoff, within the budget: back to IDLE keeps the incident.
  return none({ ...record, phase: 'IDLE', phaseSince: now, connectorArn: undefined, operationArn: undefined, narrowRestart: undefined },
    `the alarm is still ${obs.alarm.state} after the ${record.narrowRestart ? 'restart of the failed tasks' : lastStep ?? 'step'}; next attempt after the backoff`);
}

/** Enters VERIFYING; when the alarm is already OK, the incident ends in this same run. */
export function verify(input: DecisionInput, connectorArn: string, reason: string): Decision {
  const record: RecoveryRecord = { ...input.record, phase: 'VERIFYING', phaseSince: input.now, connectorArn, operationArn: undefined, slowNoticeSent: undefined };
  if (input.observation.alarm.state === 'OK') {
    return decideVerifying({ ...input, record });
  }
  return { action: { kind: 'NONE' }, record, reason, events: [] };
}
