import type { Notice, RecoveryRecord } from './model';

/**
 * Renders a notice as the plain-text e-mail body: what was seen, what was done, what to do next,
 * and the guard's state, so that a person on call can act on it without opening a console.
 */
export function renderNotice(notice: Notice, context: { connectorName: string; record: RecoveryRecord; now: number }): string {
  const { record } = context;
  const lines = [
    `Connector: ${context.connectorName}`,
    `Time: ${new Date(context.now).toISOString()}`,
    '',
    `What was seen: ${notice.seen}`,
    `What the guard did: ${notice.done}`,
    `Next step: ${notice.next}`,
    '',
    `Guard phase: ${record.phase}${record.escalation ? ` (${record.escalation})` : ''}`,
    `Recovery attempts in the budget window: ${record.attempts.length}`,
  ];
  if (record.incident) {
    lines.push(`Incident started: ${new Date(record.incident.startedAt).toISOString()}; steps: ${record.incident.steps.join(', ') || 'none'}`);
  }
  return lines.join('\n');
}

/** SNS subjects are limited to 100 printable ASCII characters. */
export function subjectLine(subject: string): string {
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : ascii.slice(0, 97) + '...';
}
