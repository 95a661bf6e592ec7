/**
 * Alarm names and the composite alarm's description. Every alarm is named after its connector:
 * an operator sees at once which connector and which signal fired, and names stay unique per
 * account and Region, so two guards for the same connector fail to deploy instead of racing.
 */
export function guardAlarmName(connectorName: string, signal?: string): string {
  return signal === undefined ? `${connectorName}-debezium-guard` : `${connectorName}-debezium-guard-${signal}`;
}

/** The composite alarm's description (the one-click template passes its strategy parameter). */
export function compositeAlarmDescription(connectorName: string, strategy: string): string {
  return `Debezium connector ${connectorName} may have failed silently. Check first: which of its ${connectorName}-debezium-guard-* alarms is in ALARM, `
    + `and the guard's last e-mail. Guard strategy: ${strategy}. Disable this alarm's actions to pause the guard.`;
}
