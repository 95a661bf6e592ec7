import type { Notice, RecoveryRecord } from '../../src/recovery/model';
import { renderNotice, subjectLine } from '../../src/recovery/render-notice';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const STARTED = Date.parse('2025-06-01T11:40:00.000Z');

const NOTICE: Notice = {
  severity: 'WARNING',
  subject: '[WARNING] orders-cdc: needs a human: recovery budget exhausted',
  seen: 'The alarm is still in ALARM.',
  done: 'Stopped acting.',
  next: 'Reset the guard.',
};

describe('renderNotice', () => {
  test.each([
    {
      case: 'idle record without incident: no incident line',
      record: { phase: 'IDLE', attempts: [] } as RecoveryRecord,
      expected: [
        'Connector: orders-cdc',
        'Time: 2025-06-01T12:00:00.000Z',
        '',
        'What was seen: The alarm is still in ALARM.',
        'What the guard did: Stopped acting.',
        'Next step: Reset the guard.',
        '',
        'Guard phase: IDLE',
        'Recovery attempts in the budget window: 0',
      ].join('\n'),
    },
    {
      case: 'escalated record: the escalation reason follows the phase, steps are listed',
      record: {
        phase: 'ESCALATED',
        escalation: 'recovery budget exhausted (3 attempts in the window)',
        attempts: [STARTED, STARTED + 60_000, STARTED + 120_000],
        incident: { startedAt: STARTED, trigger: 'ALARM', initialState: 'RUNNING', steps: ['restart', 'recreate', 'restart'] },
      } as RecoveryRecord,
      expected: [
        'Connector: orders-cdc',
        'Time: 2025-06-01T12:00:00.000Z',
        '',
        'What was seen: The alarm is still in ALARM.',
        'What the guard did: Stopped acting.',
        'Next step: Reset the guard.',
        '',
        'Guard phase: ESCALATED (recovery budget exhausted (3 attempts in the window))',
        'Recovery attempts in the budget window: 3',
        'Incident started: 2025-06-01T11:40:00.000Z; steps: restart, recreate, restart',
      ].join('\n'),
    },
    {
      case: 'incident without steps yet: "none"',
      record: {
        phase: 'IDLE',
        attempts: [],
        incident: { startedAt: STARTED, trigger: 'TICK', initialState: 'FAILED', steps: [] },
      } as RecoveryRecord,
      expected: [
        'Connector: orders-cdc',
        'Time: 2025-06-01T12:00:00.000Z',
        '',
        'What was seen: The alarm is still in ALARM.',
        'What the guard did: Stopped acting.',
        'Next step: Reset the guard.',
        '',
        'Guard phase: IDLE',
        'Recovery attempts in the budget window: 0',
        'Incident started: 2025-06-01T11:40:00.000Z; steps: none',
      ].join('\n'),
    },
  ])('$case', ({ record, expected }) => {
    // WHEN
    const body = renderNotice(NOTICE, { connectorName: 'orders-cdc', record, now: NOW });

    // THEN
    expect(body).toBe(expected);
  });

  test('the body does not repeat the subject or the severity', () => {
    const body = renderNotice(NOTICE, { connectorName: 'orders-cdc', record: { phase: 'IDLE', attempts: [] }, now: NOW });
    expect(body).not.toContain(NOTICE.subject);
    expect(body).not.toContain('WARNING');
  });
});

describe('subjectLine', () => {
  const exactly100 = 'x'.repeat(100);
  test.each([
    { case: 'short ASCII subject unchanged', subject: '[INFO] orders-cdc: connector recovered', expected: '[INFO] orders-cdc: connector recovered' },
    { case: 'empty subject unchanged', subject: '', expected: '' },
    { case: 'exactly 100 characters unchanged', subject: exactly100, expected: exactly100 },
    { case: '101 characters: cut to 97 plus an ellipsis', subject: 'y'.repeat(101), expected: 'y'.repeat(97) + '...' },
    { case: 'long subject is cut to exactly 100 characters', subject: 'z'.repeat(250), expected: 'z'.repeat(97) + '...' },
    { case: 'non-ASCII letters become "?"', subject: 'café-cdc: récupéré', expected: 'caf?-cdc: r?cup?r?' },
    { case: 'newline and tab become "?"', subject: 'a\nb\tc', expected: 'a?b?c' },
    { case: 'an emoji (surrogate pair) becomes two "?"', subject: 'ok 🚀', expected: 'ok ??' },
    { case: 'DEL (0x7f) becomes "?"', subject: 'a\x7fb', expected: 'a?b' },
    { case: 'printable ASCII edges kept', subject: ' ~', expected: ' ~' },
    { case: 'replacement happens before the length cut', subject: 'é'.repeat(120), expected: '?'.repeat(97) + '...' },
  ])('$case', ({ subject, expected }) => {
    expect(subjectLine(subject)).toBe(expected);
  });

  test('every result is printable ASCII of at most 100 characters', () => {
    for (const subject of ['', 'ä'.repeat(300), '\u0000\u0001', 'x'.repeat(99) + 'é€', '[CRITICAL] ' + 'n'.repeat(200)]) {
      const line = subjectLine(subject);
      expect(line.length).toBeLessThanOrEqual(100);
      expect(line).toMatch(/^[\x20-\x7e]*$/);
    }
  });
});
