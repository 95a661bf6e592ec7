/**
 * End to end: a fleet's recovery function (`DebeziumGuardFleet`) as bundled in the package, through
 * the real AWS SDK clients against the loopback emulator, on a fake clock: many members, one table,
 * one topic, one tick.
 */
import { FleetWorld } from './fleet-harness';
import { MINUTE, tickUntil } from './harness';
import { OFFSET_COMMIT_NAMESPACE } from '../../src/recovery/constants';
import { FakeClock } from '../../tools/emulator';

let world: FleetWorld | undefined;
let clock: FakeClock;

// Each test runs hundreds of real calls over HTTP: a few seconds on a loaded 2-core machine.
jest.setTimeout(30_000);

beforeEach(() => {
  clock = new FakeClock();
});

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('a healthy fleet', () => {
  test('of 30 connectors, over an hour of ticks: each tick is one DescribeAlarms and one Scan, nothing else', async () => {
    world = await FleetWorld.start({ clock, size: 30, concurrency: 4 });
    // Every member had an incident once (an IDLE record); an alarm in ALARM that is no member's trigger,
    // and a single guard's composite in ALARM, change nothing.
    world.seedIdleRecords();
    world.emulator.cloudwatch.setAlarm('cdc-003-debezium-guard-silent', { state: 'ALARM' });
    world.emulator.cloudwatch.setAlarm('payments-debezium-guard', { type: 'composite', state: 'ALARM' });
    for (let minute = 0; minute < 60; minute++) {
      clock.advance(MINUTE);
      const summary = await world.tick();
      expect(summary).toEqual({ outcome: 'FLEET', trigger: 'TICK', runs: [] });
    }
    const ticks = world.requestsByTick();
    expect(ticks).toHaveLength(60);
    for (const requests of ticks) {
      expect(requests.map((r) => `${r.service}:${r.operation}:${r.status}`).sort()).toEqual(['dynamodb:Scan:200', 'monitoring:DescribeAlarms:200']);
    }
    const { requests } = world.emulator;
    // The fleet-wide listing: metric alarms in ALARM, by no name.
    expect(new Set(requests.of('monitoring', 'DescribeAlarms').map((r) => JSON.stringify([r.params.alarmNames, r.params.alarmTypes]))))
      .toEqual(new Set([JSON.stringify([undefined, ['MetricAlarm']])]));
    expect(requests.entries).toHaveLength(120);
    expect(requests.of('kafkaconnect')).toEqual([]);
    expect(requests.of('dynamodb', 'PutItem')).toEqual([]);
    expect(requests.of('sns')).toEqual([]);
    expect(world.names.map((name) => world!.record(name)?.phase)).toEqual(Array(30).fill('IDLE'));
  });
});

describe('a member\'s worker logs stop arriving while it produces', () => {
  test('its offset-commit alarm entering ALARM with its stall alarm OK: one WARNING in the next tick\'s digest, nothing restarted, the warning recorded once', async () => {
    world = await FleetWorld.start({ clock, size: 3, concurrency: 4 });
    clock.advance(MINUTE);
    world.emulator.cloudwatch.setAlarm('cdc-001-debezium-guard-offset-commits', { state: 'ALARM' });
    const summaries = [];
    for (let minute = 0; minute < 3; minute++) {
      clock.advance(MINUTE);
      summaries.push(await world.tick());
    }
    expect(summaries.map((s) => s.runs)).toEqual([[], [], []]);
    expect(world.notices().map((n) => n.subject)).toEqual(['WARNING: worker logs of cdc-001 stopped arriving']);
    expect(world.notices()[0].message).toContain('The guard does not restart or re-create it for this.');
    expect(world.emulator.requests.of('kafkaconnect')).toEqual([]);
    // One write: the claim that this gap was warned of (the later ticks read it in their Scan), no record.
    expect(world.emulator.requests.of('dynamodb', 'PutItem').map((r) => r.status)).toEqual([200]);
    expect(world.names.map((name) => world!.record(name))).toEqual([undefined, undefined, undefined]);
  });

  test('a member paused (its stall alarm\'s actions disabled) while it stalls gets no "logs are not arriving" warning', async () => {
    world = await FleetWorld.start({ clock, size: 2, concurrency: 4 });
    world.emulator.cloudwatch.setAlarm('cdc-000-debezium-guard-stall', { state: 'ALARM', actionsEnabled: false });
    clock.advance(MINUTE);
    world.emulator.cloudwatch.setAlarm('cdc-000-debezium-guard-offset-commits', { state: 'ALARM' });
    for (let minute = 0; minute < 3; minute++) {
      clock.advance(MINUTE);
      expect((await world.tick()).runs).toEqual([]);
    }
    expect(world.notices()).toEqual([]);
    expect(world.emulator.requests.of('kafkaconnect')).toEqual([]);
  });
});

describe('thirty members alarm in the same minute', () => {
  const CONCURRENCY = 4;
  const BROKEN = 'cdc-017';
  const UNUSABLE = `[WARNING] ${BROKEN}: needs a human: stored CreateConnector request unusable; not deleting`;

  test('under MSK Connect throttling, with one stored request broken: the others recover, the broken one is escalated and kept, '
    + `at most ${CONCURRENCY} members at once, the e-mails are digests`, async () => {
    // GIVEN a fleet of 30 whose connectors all stop processing in the same minute; a restart does not
    // help cdc-017, whose stored request is not even JSON, so the guard would have to re-create it
    const w = world = await FleetWorld.start({ clock, size: 30, concurrency: CONCURRENCY, scanPageSize: 7, strategy: 'RESTART_THEN_RECREATE' });
    const { kafkaconnect, faults, requests } = w.emulator;
    const arns = new Map(w.names.map((name) => [name, kafkaconnect.connector(name)!.arn]));
    w.names.forEach((name) => kafkaconnect.setHealth(name, 'silent'));
    w.storeRequest(BROKEN, `{"connectorName": "${BROKEN}",`);
    faults.restartDoesNotHelp(BROKEN);
    // MSK Connect throttles: fewer than the SDK's 6 attempts of any one call, so each call succeeds in the end.
    faults.throttle('kafkaconnect', 'RestartConnector', 5);
    faults.throttle('kafkaconnect', 'ListConnectors', 5);
    const others = w.names.filter((name) => name !== BROKEN);

    // WHEN the fleet's tick runs once a minute, CloudWatch's composites following the connectors' health
    const done = () => others.every((name) => kafkaconnect.isProcessing(name) && w.record(name)?.phase === 'IDLE')
      && w.record(BROKEN)?.phase === 'ESCALATED';
    const minutes = await tickUntil(w, clock, done, w.alarmsFollowHealth(), 20);

    // THEN every other connector is processing again, restarted in place (same ARN, nothing re-created)
    for (const name of others) {
      expect(kafkaconnect.connector(name)).toMatchObject({ arn: arns.get(name), state: 'RUNNING', health: 'healthy' });
      expect(w.record(name)).toMatchObject({ phase: 'IDLE', leaseUntil: 0 });
    }
    // the broken one is escalated and still exists: nothing was deleted or created
    expect(kafkaconnect.connector(BROKEN)).toMatchObject({ arn: arns.get(BROKEN), state: 'RUNNING', health: 'silent' });
    expect(w.record(BROKEN)).toMatchObject({ phase: 'ESCALATED', escalation: 'stored CreateConnector request unusable; not deleting', leaseUntil: 0 });
    expect(requests.entries.filter((r) => ['DeleteConnector', 'CreateConnector'].includes(r.operation))).toEqual([]);
    // one restart each, after the injected throttling (5 + 5 answers of 429) was retried through
    const restarted = requests.of('kafkaconnect', 'RestartConnector').filter((r) => r.status === 200).map((r) => r.params.connectorArn);
    expect(new Set(restarted)).toEqual(new Set(arns.values()));
    expect(restarted).toHaveLength(30);
    const throttled = requests.entries.filter((r) => r.injected === 'throttle');
    expect(throttled.map((r) => `${r.operation} ${r.status} ${r.errorCode}`).sort()).toEqual([
      ...Array(5).fill('ListConnectors 429 TooManyRequestsException'), ...Array(5).fill('RestartConnector 429 TooManyRequestsException'),
    ]);
    expect(w.summaries.flatMap((s) => s.runs).filter((r) => r.failed || r.skipped)).toEqual([]);
    // the second tick found all 30 in flight through a Scan of 5 pages (7 records a page)
    expect(w.requestsByTick()[1].filter((r) => r.operation === 'Scan')).toHaveLength(5);
    expect(minutes).toBeLessThanOrEqual(10);

    // at most GUARD_FLEET_CONCURRENCY members' runs at once, and the fleet does use that many
    const mostAtOnce = w.requestsByTick().map((tick) => w.mostMembersAtOnce(tick));
    expect(Math.max(...mostAtOnce)).toBe(CONCURRENCY);

    // the e-mails: at most one per tick besides CRITICAL ones (none here), two in all: the digest of the
    // 29 recoveries, and the broken one's escalation, alone in its run
    const published = w.requestsByTick().map((tick) => tick.filter((r) => r.operation === 'Publish' && r.status === 200).map((r) => String(r.params.subject)));
    expect(published.flat().filter((subject) => subject.startsWith('[CRITICAL]'))).toEqual([]);
    expect(published.every((subjects) => subjects.length <= 1)).toBe(true);
    const notices = w.notices();
    expect(notices.map((n) => n.subject)).toEqual([expect.stringMatching(/^\[INFO\] Debezium guard fleet: 29 notices: cdc-000, cdc-001, /), UNUSABLE]);
    for (const name of others) {
      expect(notices[0].message).toContain(`=== [INFO] ${name}: connector recovered\n\nConnector: ${name}\n`);
    }
    expect(notices[0].message).not.toContain(BROKEN);
    expect(notices[1].message).toContain('Fix the stored request');
    for (const n of notices) {
      expect(n.message).not.toContain('hunter2');
      expect(n.message).not.toContain('orders-db.internal');
    }

    // AND the escalated member, still in ALARM and in flight, is looked at on each later tick, quietly
    const before = requests.entries.length;
    for (let minute = 0; minute < 3; minute++) {
      clock.advance(MINUTE);
      w.alarmsFollowHealth()();
      expect((await w.tick()).runs.map((r) => r.connector)).toEqual([BROKEN]);
    }
    const later = requests.entries.slice(before);
    expect(later.filter((r) => r.service === 'sns' || ['RestartConnector', 'DeleteConnector', 'CreateConnector'].includes(r.operation))).toEqual([]);
    expect(w.notices()).toHaveLength(2);
    expect(requests.entries.filter((r) => r.emulatorBug !== undefined)).toEqual([]);
  });
});

describe('a drill of a member', () => {
  /** The report of the one member a drill names. */
  const reportOf = (summary: Awaited<ReturnType<FleetWorld['drill']>>) => {
    expect(summary.runs).toHaveLength(1);
    return summary.runs[0].summary as unknown as { outcome: string; drill: string; checks: Array<{ check: string; status: string; detail: string }> };
  };

  test('reads the member and the fleet\'s tick rule, writes nothing, sends one notice; a disabled tick is a problem', async () => {
    const w = world = await FleetWorld.start({ clock, size: 3, concurrency: 2 });
    const { requests } = w.emulator;
    // The member's worker logs committed once a minute (its metric filter's metric).
    w.emulator.cloudwatch.putMetricData(OFFSET_COMMIT_NAMESPACE, 'cdc-001', Array.from({ length: 15 }, (_, i) => ({ at: clock.now() - (i + 1) * MINUTE + 5_000, value: 1 })));
    const report = reportOf(await w.drill('cdc-001'));
    expect(report).toMatchObject({ outcome: 'DRILL', drill: 'WOULD_RESTART' });
    expect(report.checks.filter((c) => c.status !== 'OK').map((c) => c.check)).toEqual(['permissions of the strategy']);
    expect(report.checks.find((c) => c.check === 'EventBridge rules')).toEqual({
      check: 'EventBridge rules',
      status: 'OK',
      detail: `rule ${w.tickRule} sends the tick ({"trigger":"tick"}) on a schedule (rate(1 minute)); enabled, targeting this function`,
    });
    expect(requests.of('events', 'ListRuleNamesByTarget').map((r) => r.params.targetArn)).toEqual([w.functionArn]);

    w.emulator.events.setRuleState(w.tickRule, 'DISABLED');
    const disabled = reportOf(await w.drill('cdc-001'));
    expect(disabled.checks.find((c) => c.check === 'EventBridge rules')).toMatchObject({
      status: 'PROBLEM', detail: `rule ${w.tickRule} sends the tick ({"trigger":"tick"}) on a schedule, but is disabled: enable it`,
    });
    // Read-only: no record, no mutation; one notice per drill.
    expect(requests.entries.filter((r) => ['PutItem', 'RestartConnector', 'DeleteConnector', 'CreateConnector'].includes(r.operation))).toEqual([]);
    expect(w.notices().map((n) => n.subject)).toEqual([
      expect.stringMatching(/^\[INFO\] cdc-001: DRILL: would restart/), expect.stringMatching(/^\[WARNING\] cdc-001: DRILL: would restart/),
    ]);
    expect(requests.entries.filter((r) => r.emulatorBug !== undefined)).toEqual([]);
  });
});
