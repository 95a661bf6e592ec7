import { guardCompositeAlarmName, guardSignalAlarmName, MEMBER_SIGNAL } from '../recovery/constants';

/**
 * Alarm names and the composite alarm's description. Every alarm is named after its connector:
 * an operator sees at once which connector and which signal fired, and names stay unique per
 * account and Region, so two guards for the same connector fail to deploy instead of racing.
 */
export function guardAlarmName(connectorName: string, signal?: string): string {
  return signal === undefined ? guardCompositeAlarmName(connectorName) : guardSignalAlarmName(connectorName, signal);
}

/** The signals of the alarms on errored tasks; the recovery function restarts only failed tasks when they alone fired. */
export const ERRORED_TASKS_SIGNAL = 'errored-tasks';
export const CRASH_LOOP_SIGNAL = 'crash-loop';

/** The composite alarm's description (the one-click template passes its strategy parameter). */
export function compositeAlarmDescription(connectorName: string, strategy: string): string {
  return `Debezium connector ${connectorName} may have failed silently. Check first: which of its ${connectorName}-debezium-guard-* alarms is in ALARM, `
    + `and the guard's last e-mail. Guard strategy: ${strategy}. Disable this alarm's actions to pause the guard.`;
}

/**
 * The log-delivery warning's text: what it means, and what it does not cause. `productionSignal` is
 * the alarm that tells production: a single guard's no-production alarm, a fleet member's stall alarm.
 */
export function logDeliveryAlarmDescription(connectorName: string, productionSignal = 'no-production'): string {
  const alarm = (signal: string) => guardSignalAlarmName(connectorName, signal);
  return `WARNING, not an incident: worker logs stopped arriving for Debezium connector ${connectorName}; the connector is producing `
    + `(${alarm(MEMBER_SIGNAL.OFFSET_COMMITS)} in ALARM, ${alarm(productionSignal)} not). The guard does not restart or re-create it for this. `
    + 'Check first: the connector\'s log delivery (logDelivery.workerLogDelivery), that the log group still exists, and MSK Connect\'s permission to write to it.';
}
