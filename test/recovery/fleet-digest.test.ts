import { NoticeDigest } from '../../src/recovery/fleet-digest';
import type { Severity } from '../../src/recovery/model';

interface Sent {
  readonly subject: string;
  readonly message: string;
  readonly severity?: Severity;
}

/** A topic that records what it is sent. */
function topic(): { sent: Sent[]; publish: (s: string, m: string, v?: Severity) => Promise<void> } {
  const sent: Sent[] = [];
  return { sent, publish: async (subject, message, severity) => { sent.push({ subject, message, severity }); } };
}

describe('NoticeDigest', () => {
  test('holds the notices of a run and sends them as one digest that names every connector', async () => {
    const target = topic();
    const digest = new NoticeDigest(target);
    await digest.notifierFor('orders').publish('[INFO] orders: restarting', 'body of orders', 'INFO');
    await digest.notifierFor('customers').publish('[WARNING] customers: restart failed', 'body of customers', 'WARNING');
    expect(target.sent).toEqual([]);
    await digest.flush();
    expect(target.sent).toEqual([{
      subject: '[WARNING] Debezium guard fleet: 2 notices: orders, customers',
      message: '=== [INFO] orders: restarting\n\nbody of orders\n\n=== [WARNING] customers: restart failed\n\nbody of customers',
      severity: 'WARNING',
    }]);
  });

  test('a CRITICAL notice goes out at once, on its own, and is not repeated in the digest', async () => {
    const target = topic();
    const digest = new NoticeDigest(target);
    await digest.notifierFor('orders').publish('[INFO] orders: restarting', 'a', 'INFO');
    await digest.notifierFor('payments').publish('[CRITICAL] payments: deleted, create refused', 'b', 'CRITICAL');
    expect(target.sent.map((s) => s.subject)).toEqual(['[CRITICAL] payments: deleted, create refused']);
    await digest.flush();
    expect(target.sent.map((s) => s.subject)).toEqual(['[CRITICAL] payments: deleted, create refused', '[INFO] orders: restarting']);
  });

  test('one notice is sent as it is; none sends nothing', async () => {
    const target = topic();
    await new NoticeDigest(target).flush();
    expect(target.sent).toEqual([]);
    const digest = new NoticeDigest(target);
    await digest.notifierFor('orders').publish('[INFO] orders: recovered', 'body', 'INFO');
    await digest.flush();
    expect(target.sent).toEqual([{ subject: '[INFO] orders: recovered', message: 'body', severity: 'INFO' }]);
  });

  test('a digest longer than SNS takes is sent in parts, each within 256 KiB, each notice whole', async () => {
    const target = topic();
    const digest = new NoticeDigest(target);
    const body = 'x'.repeat(60 * 1024);
    for (let i = 0; i < 6; i++) {
      await digest.notifierFor(`cdc-${i}`).publish(`[INFO] cdc-${i}: restarting`, body, 'INFO');
    }
    await digest.flush();
    expect(target.sent.map((s) => s.subject)).toEqual([
      '[INFO] Debezium guard fleet: 3 notices (part 1 of 2): cdc-0, cdc-1, cdc-2',
      '[INFO] Debezium guard fleet: 3 notices (part 2 of 2): cdc-3, cdc-4, cdc-5',
    ]);
    for (const s of target.sent) {
      expect(Buffer.byteLength(s.message)).toBeLessThan(256 * 1024);
    }
  });

  test('the subject stays within SNS\'s 100 characters however many connectors it names', async () => {
    const target = topic();
    const digest = new NoticeDigest(target);
    for (let i = 0; i < 30; i++) {
      await digest.notifierFor(`inventory-cdc-${i}`).publish(`[INFO] inventory-cdc-${i}: restarting`, 'b', 'INFO');
    }
    await digest.flush();
    expect(target.sent).toHaveLength(1);
    expect(target.sent[0].subject.length).toBeLessThanOrEqual(100);
    expect(target.sent[0].subject).toMatch(/^\[INFO\] Debezium guard fleet: 30 notices: inventory-cdc-0, /);
    expect(target.sent[0].message.match(/^=== /gm)).toHaveLength(30);
  });
});
