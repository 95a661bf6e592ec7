import * as fs from 'fs';
import * as path from 'path';
import { countedLines, loadTrace, MIN, replay, TRACES } from './replay';

/*
 * Real Kafka Connect worker logs and metrics (recorded by `npm run record-traces`, see
 * tools/record-traces/README.md) replayed through the guard's synthesized metric filter and alarms
 * with the evaluator the detection tests use. Default props; the Connected alarm only where a test
 * says so (Debezium's JMX metrics need a custom exporter on MSK Connect).
 */

/** Every recorded trace, as <version>/<scenario>. */
const RECORDED = fs.readdirSync(TRACES).flatMap((version) => fs.readdirSync(path.join(TRACES, version)).map((scenario) => `${version}/${scenario}`)).sort();

/** The expectations below, one per recorded trace. */
const ASSERTED = ['3.7.x/busy'];

test('every recorded trace is asserted below (a new recording needs its expectation)', () => {
  expect(RECORDED).toEqual([...ASSERTED].sort());
});

describe('Kafka Connect 3.7.x, Debezium PostgreSQL 2.7 (real worker)', () => {
  test('busy: the guard\'s pattern counts the real commit line at every flush, and the composite stays quiet', () => {
    const trace = loadTrace('3.7.x', 'busy');
    expect(trace.manifest.worker['offset.flush.interval.ms']).toBe(60_000);
    expect(trace.manifest.timeScale).toBe(1);
    const counted = countedLines(trace);
    // The line really is apache/kafka 3.7's, with the MDC context MSK's layout may or may not keep.
    expect(counted.length).toBeGreaterThan(0);
    for (const line of counted) {
      expect(line).toMatch(/^\[Worker-[0-9a-f]{17}\] \[[-0-9 :,]+\] INFO \[orders-busy\|task-0\|offsets\] WorkerSourceTask\{id=orders-busy-0\} Committing offsets for \d+ acknowledged messages \(org\.apache\.kafka\.connect\.runtime\.WorkerSourceTask:\d+\)$/);
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
