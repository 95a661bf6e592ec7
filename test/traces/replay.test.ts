import * as fs from 'fs';
import * as path from 'path';
import { countedLines, loadTrace, MIN, replay, S, TRACES } from './replay';
import type { Trace } from '../../tools/record-traces/trace-file';

/*
 * Real Kafka Connect worker logs and metrics (recorded by `npm run record-traces`, see
 * tools/record-traces/README.md) replayed through the guard's synthesized metric filter and alarms
 * with the evaluator the detection tests use. Default props; the Connected alarm only where a test
 * says so (Debezium's JMX metrics need a custom exporter on MSK Connect).
 */

/** Every recorded trace, as <version>/<scenario>. */
const RECORDED = fs.readdirSync(TRACES).flatMap((version) => fs.readdirSync(path.join(TRACES, version)).map((scenario) => `${version}/${scenario}`)).sort();

/** The expectations below, one per recorded trace. */
const SCENARIOS = ['busy', 'stall', 'stall-with-heartbeats', 'stall-with-heartbeats-no-action-query', 'database-gone', 'backend-terminated',
  'idle-without-heartbeats', 'idle-with-heartbeats', 'rest-restart'];
const STALLS = ['stall', 'stall-with-heartbeats', 'stall-with-heartbeats-no-action-query'];
const ASSERTED = ['3.7.x', '2.7.1'].flatMap((version) => SCENARIOS.map((scenario) => `${version}/${scenario}`));

test('every recorded trace is asserted below (a new recording needs its expectation)', () => {
  expect(RECORDED).toEqual([...ASSERTED].sort());
});

/** The commit line each version really logs, as the guard's pattern counts it. */
const COMMIT_LINE: Record<string, RegExp> = {
  '3.7.x': /^\[Worker-[0-9a-f]{17}\] \[[-0-9 :,]+\] INFO \[orders-busy\|task-0\|offsets\] WorkerSourceTask\{id=orders-busy-0\} Committing offsets for \d+ acknowledged messages \(org\.apache\.kafka\.connect\.runtime\.WorkerSourceTask:\d+\)$/,
  '2.7.1': /^\[Worker-[0-9a-f]{17}\] \[[-0-9 :,]+\] INFO \[orders-busy\|task-0\|offsets\] WorkerSourceTask\{id=orders-busy-0\} Finished commitOffsets successfully in \d+ ms \(org\.apache\.kafka\.connect\.runtime\.WorkerSourceTask:\d+\)$/,
};

describe.each(['3.7.x', '2.7.1'])('Kafka Connect %s (real worker)', (version) => {
  test('busy: the guard\'s pattern counts the real commit line at every flush, and the composite stays quiet', () => {
    const trace = loadTrace(version, 'busy');
    expect(trace.manifest.worker['offset.flush.interval.ms']).toBe(60_000);
    expect(trace.manifest.timeScale).toBe(1);
    const counted = countedLines(trace);
    // The line really is apache/kafka's of that version, with the MDC context MSK's layout may or may not keep.
    expect(counted.length).toBeGreaterThan(0);
    for (const line of counted) {
      expect(line).toMatch(COMMIT_LINE[version]);
    }
    // One a minute from the first flush on: no one-minute period after the warm-up misses it.
    const times = trace.logs.filter((e) => counted.includes(e.message)).map((e) => e.t);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(61_000);
    expect(times.length).toBeGreaterThanOrEqual(Math.floor((trace.manifest.durationMs - times[0]) / MIN));

    expect(replay(trace)).toEqual({ firing: [], firstAlarm: {} });
    expect(replay(trace, {}, { connected: true })).toEqual({ firing: [], firstAlarm: {} });
  });
});

/** The moment the recorder acted (ms after the start): the trace's incident. */
function incidentAt(trace: Trace): number {
  const action = trace.manifest.actions.find((a) => !/^connector created|^recording ends/.test(a.action));
  if (!action) {
    throw new Error(`${trace.manifest.scenario}: no incident in the manifest`);
  }
  return action.t;
}

const after = (trace: Trace, t: number) => trace.logs.filter((e) => e.t >= t);
const samplesAfter = (trace: Trace, t: number) => trace.samples.filter((s) => s.t >= t);

/**
 * What the real traces showed, version by version: the composite alarm's delay after the incident
 * (s, at the 10-s evaluation steps) and the signal alarms in ALARM at that moment.
 */
const DETECTED: Record<string, Record<string, { delay: number; firing: string[] }>> = {
  '3.7.x': {
    'stall': { delay: 160, firing: ['OffsetCommitGap', 'NoProduction'] },
    'stall-with-heartbeats': { delay: 190, firing: ['OffsetCommitGap', 'NoProduction'] },
    'stall-with-heartbeats-no-action-query': { delay: 180, firing: ['OffsetCommitGap', 'NoProduction'] },
    'database-gone': { delay: 80, firing: ['OffsetCommitGap', 'CrashLoop'] },
    'idle-without-heartbeats': { delay: 190, firing: ['OffsetCommitGap', 'NoProduction'] },
  },
  '2.7.1': {
    'stall': { delay: 200, firing: ['OffsetCommitGap', 'NoProduction'] },
    'stall-with-heartbeats': { delay: 210, firing: ['OffsetCommitGap', 'NoProduction'] },
    'stall-with-heartbeats-no-action-query': { delay: 190, firing: ['OffsetCommitGap', 'NoProduction'] },
    'database-gone': { delay: 120, firing: ['OffsetCommitGap', 'CrashLoop'] },
    'idle-without-heartbeats': { delay: 170, firing: ['OffsetCommitGap', 'NoProduction'] },
  },
};

describe.each(['3.7.x', '2.7.1'])('Kafka Connect %s (real worker): detection', (version) => {
  test.each(Object.keys(DETECTED[version]))('%s: the composite alarm fires, with the alarms and the delay the trace shows', (scenario) => {
    const trace = loadTrace(version, scenario);
    const { alarmAt, firing, warnedAt } = replay(trace);
    const expected = DETECTED[version][scenario];
    expect(firing).toEqual(expected.firing);
    // Within the 10-s evaluation step the delay was rounded to.
    expect(Math.abs((alarmAt! - incidentAt(trace)) / S - expected.delay)).toBeLessThanOrEqual(10);
    expect(warnedAt).toBeUndefined();
  });

  test.each(['idle-with-heartbeats', 'rest-restart', 'backend-terminated'])('%s: quiet from the guard\'s start to the end (no trigger, no warning), Connected alarm or not', (scenario) => {
    const trace = loadTrace(version, scenario);
    expect(replay(trace)).toEqual({ firing: [], firstAlarm: {} });
    expect(replay(trace, {}, { connected: true })).toEqual({ firing: [], firstAlarm: {} });
  });

  test.each(STALLS)('%s (the relay drops traffic silently): the task stays RUNNING, Debezium stays Connected and logs nothing; production, commits and heartbeats stop', (scenario) => {
    const trace = loadTrace(version, scenario);
    const t0 = incidentAt(trace);
    for (const s of samplesAfter(trace, t0)) {
      expect([s.connectorState, s.taskState, s.runningTasks, s.failedTasks, s.connected]).toEqual(['RUNNING', 'RUNNING', 1, 0, 1]);
    }
    // The windowed rate (two 30-s samples) reads 0 only a minute after the last record.
    expect(samplesAfter(trace, t0 + 70 * S).every((s) => s.pollRate === 0 && s.writeRate === 0)).toBe(true);
    expect(after(trace, t0).filter((e) => / (WARN|ERROR) /.test(e.message))).toEqual([]);
    // The Connected alarm would not see it: the same result with it.
    expect(replay(trace, {}, { connected: true }).firing).toEqual(DETECTED[version][scenario].firing);
    // No heartbeat either (with or without an action query): no commit line a flush interval after the drop.
    const counted = countedLines(trace);
    expect(after(trace, t0 + 61 * S).filter((e) => counted.includes(e.message))).toEqual([]);
  });

  test('database gone (server stopped): Debezium retries once after 10 s, then the task FAILS; its Connected MBean is unregistered (missing, not 0)', () => {
    const trace = loadTrace(version, 'database-gone');
    // The manifest records when the stop had completed; Debezium saw its connection end while it ran.
    const t0 = incidentAt(trace);
    const errors = after(trace, t0 - 5 * S).filter((e) => / ERROR /.test(e.message)).map((e) => e.message.replace(/^.*? ERROR /, ''));
    expect(errors).toEqual([
      expect.stringMatching(/^\[orders-database-gone\|task-0\] Producer failure \(io\.debezium\.pipeline\.ErrorHandler:\d+\)$/),
      expect.stringMatching(/^\[orders-database-gone\|task-0\] WorkerSourceTask\{id=orders-database-gone-0\} Task threw an uncaught and unrecoverable exception\. Task is being killed and will not recover until manually restarted/),
    ]);
    const failed = samplesAfter(trace, t0).find((s) => s.taskState === 'FAILED')!;
    expect(failed.t - t0).toBeLessThanOrEqual(30 * S);
    for (const s of samplesAfter(trace, failed.t)) {
      expect([s.connectorState, s.taskState, s.runningTasks, s.failedTasks, s.connected]).toEqual(['RUNNING', 'FAILED', 0, 1, null]);
    }
    // A 1-minute Connected metric, missing = breaching, fires too (not first).
    const withConnected = replay(trace, {}, { connected: true });
    expect(withConnected.firstAlarm.Connected).toBeDefined();
    expect(withConnected.alarmAt).toBe(replay(trace).alarmAt);
  });

  test('backend terminated (the server stays up): Debezium restarts itself after its 10-s back-off, the task never leaves RUNNING, commits go on', () => {
    const trace = loadTrace(version, 'backend-terminated');
    const t0 = incidentAt(trace);
    for (const s of samplesAfter(trace, t0)) {
      expect([s.connectorState, s.taskState]).toEqual(['RUNNING', 'RUNNING']);
    }
    expect(after(trace, t0).some((e) => e.message.includes('Going to restart connector after 10 sec. after a retriable exception'))).toBe(true);
    const counted = countedLines(trace);
    const times = after(trace, t0).filter((e) => counted.includes(e.message)).map((e) => e.t);
    expect(times[0] - t0).toBeLessThanOrEqual(61 * S);
    expect(Math.max(...times.slice(1).map((t, i) => t - times[i]))).toBeLessThanOrEqual(61 * S);
  });

  test('idle with heartbeats: every flush after the inserts stop still commits (the heartbeat records), and production never reads 0 for a whole minute', () => {
    const trace = loadTrace(version, 'idle-with-heartbeats');
    const t0 = incidentAt(trace);
    const counted = countedLines(trace);
    const times = after(trace, t0).filter((e) => counted.includes(e.message)).map((e) => e.t);
    expect(times.length).toBeGreaterThanOrEqual(Math.floor((trace.manifest.durationMs - t0) / MIN) - 1);
    expect(Math.max(...times.slice(1).map((t, i) => t - times[i]))).toBeLessThanOrEqual(61 * S);
    // Heartbeats (one every 30 s) keep the windowed poll rate above 0 in every clock minute.
    const start = Date.parse(trace.manifest.startedAt);
    for (let minute = Math.ceil((start + t0) / MIN) * MIN; minute + MIN <= start + trace.manifest.durationMs; minute += MIN) {
      const rates = trace.samples.filter((x) => start + x.t >= minute && start + x.t < minute + MIN).map((x) => x.pollRate ?? 0);
      expect(Math.max(...rates)).toBeGreaterThan(0);
    }
  });
});

/**
 * A fleet's member: two metric-math alarms (stall: commits + polled + written, 2 of 2; tasks: errored or
 * too few running, 2 of 5) instead of five alarms and a composite. Every incident is detected, the quiet
 * traces stay quiet, and the delay is the single guard's, except where a 3.7.x stalled task commits what
 * was acknowledged before the stall at the next flush: that commit lands in the minute after
 * production stopped, and the stall alarm, which wants both minutes silent, fires one minute later.
 */
const MEMBER_LATER: Record<string, number> = { '3.7.x/stall': 60, '3.7.x/stall-with-heartbeats-no-action-query': 60 };

describe.each(['3.7.x', '2.7.1'])('Kafka Connect %s (real worker): a fleet\'s member', (version) => {
  test.each(Object.keys(DETECTED[version]))('%s: a trigger alarm fires, with the single guard\'s delay (a minute later where a last commit follows the stall)', (scenario) => {
    const trace = loadTrace(version, scenario);
    const member = replay(trace, {}, { member: true });
    const guard = replay(trace);
    const expected = DETECTED[version][scenario];
    expect(member.firing).toEqual(expected.firing.includes('CrashLoop') ? ['Task'] : ['Stall']);
    expect((member.alarmAt! - guard.alarmAt!) / S).toBe(MEMBER_LATER[`${version}/${scenario}`] ?? 0);
    expect(member.warnedAt).toBeUndefined();
    // The Connected alarm changes nothing but what fires with it.
    expect(replay(trace, {}, { member: true, connected: true }).alarmAt).toBe(member.alarmAt);
  });

  test.each(['busy', 'idle-with-heartbeats', 'rest-restart', 'backend-terminated'])('%s: quiet (no trigger, no log-delivery warning), Connected alarm or not', (scenario) => {
    const trace = loadTrace(version, scenario);
    expect(replay(trace, {}, { member: true })).toEqual({ firing: [], firstAlarm: {} });
    expect(replay(trace, {}, { member: true, connected: true })).toEqual({ firing: [], firstAlarm: {} });
  });
});

describe('what each version logs at a flush, on the real worker', () => {
  test('3.7.x: a stalled task commits what was acknowledged before the stall at the next flush, then logs no commit at all', () => {
    const trace = loadTrace('3.7.x', 'stall');
    const t0 = incidentAt(trace);
    const commits = after(trace, t0).filter((e) => e.message.includes('Committing offsets'));
    for (const e of commits) {
      expect(e.message).toMatch(/ INFO \[orders-stall\|task-0\|offsets\] WorkerSourceTask\{id=orders-stall-0\} Committing offsets for \d+ acknowledged messages /);
      expect(e.t - t0).toBeLessThanOrEqual(61 * S);
    }
    expect(commits.length).toBeGreaterThan(0);
  });

  test('3.7.x: a failing task commits once more, from the task thread, just before its ERROR; the guard counts that line', () => {
    const trace = loadTrace('3.7.x', 'database-gone');
    const t0 = incidentAt(trace);
    const counted = countedLines(trace);
    const last = after(trace, t0).filter((e) => counted.includes(e.message)).pop()!;
    expect(last.message).toMatch(/INFO \[orders-database-gone\|task-0\] WorkerSourceTask\{id=orders-database-gone-0\} Committing offsets for \d+ acknowledged messages/);
    const error = after(trace, t0).find((e) => e.message.includes('Task threw an uncaught and unrecoverable exception'))!;
    expect(error.t - last.t).toBeLessThan(S);
  });

  test.each(['stall', 'database-gone'])('2.7.1, %s: "Committing offsets" every interval whatever happens, "Finished commitOffsets successfully" never after the incident', (scenario) => {
    const trace = loadTrace('2.7.1', scenario);
    const t0 = incidentAt(trace);
    const committing = after(trace, t0 + 5 * S).filter((e) => /WorkerSourceTask\{id=orders-[a-z-]+-0\} Committing offsets \(/.test(e.message));
    expect(committing.length).toBeGreaterThanOrEqual(Math.floor((trace.manifest.durationMs - t0) / MIN) - 1);
    expect(after(trace, t0 + 5 * S).filter((e) => e.message.includes('Finished commitOffsets successfully'))).toEqual([]);
  });
});
