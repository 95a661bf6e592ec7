import { minutes } from '../duration';
import type { Decision, RecoveryRecord } from '../model';
import { recovered } from '../notices';
import { afterFailedStep } from './restarting';
import { none, settled, type DecisionInput } from './transitions';

export function decideVerifying(input: DecisionInput): Decision {
  const { record, observation: obs, settings, now } = input;
  const incident = record.incident;
  if (obs.alarm.state === 'OK') {
    const seconds = incident ? Math.round((now - incident.startedAt) / 1000) : 0;
    const scheduled = incident?.trigger === 'SCHEDULED_RESTART';
    // A preventive restart that did its job is not news.
    return {
      action: { kind: 'NONE' },
      record: settled(record),
      reason: scheduled ? 'preventive restart done; alarm OK' : 'alarm back to OK: recovered',
      notice: scheduled ? undefined : recovered(settings, incident, seconds),
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
