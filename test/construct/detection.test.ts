import * as logs from 'aws-cdk-lib/aws-logs';
import { KafkaConnectVersion } from '../../src';
import { evaluateAlarm, type AlarmStateValue } from '../../tools/simulate/alarm-evaluator';
import { evaluateRule, type AlarmDefinition } from '../../tools/simulate/alarm-model';
import { guardAlarms } from '../../tools/simulate/guard-alarms';
import { source } from '../../tools/simulate/monitor';
import { SignalStore } from '../../tools/simulate/signal-store';

/*
 * The detection claim, proven on the guard's own synthesized definitions at their real timing:
 * worker log lines go through the synthesized metric filter's pattern, AWS/KafkaConnect metrics
 * are sampled every 10 s, every alarm is evaluated with CloudWatch's period / evaluation-periods /
 * datapoints-to-alarm / missing-data rules (and metric math) every 10 s, and the composite alarm's
 * and the log-delivery warning's synthesized rules combine them. Default props: 1-minute periods.
 *
 * The worker log follows apache/kafka: a flush every offset.flush.interval.ms (60 s, plus a few
 * seconds of jitter) commits the records acknowledged since the last one, so the first flush after
 * a stall began still logs a commit; a failed 3.x task logs none.
 */

const S = 1000;
const MIN = 60 * S;
const STEP = 10 * S;
const NAME = 'orders-cdc';
/** The incident starts mid-minute (20:30): the worst case for how late a period-aligned alarm can be. */
const INCIDENT = 20 * MIN + 30 * S;
const END = 60 * MIN;

/** What the connector does during one 10-s step. */
interface Step {
  /** Records read from the source (and written) in this step. */
  readonly records: number;
  readonly taskFailed: boolean;
  /** MSK Connect delivers the worker log lines of this step. */
  readonly logsDelivered: boolean;
}
type Behaviour = (t: number) => Step;

const ok = (records: number): Step => ({ records, taskFailed: false, logsDelivered: true });
const busy: Behaviour = () => ok(40);
const stalled: Step = ok(0);
const failed: Step = { records: 0, taskFailed: true, logsDelivered: true };
const after = (from: number, incident: Behaviour, before: Behaviour = busy): Behaviour => (t) => (t < from ? before(t) : incident(t));
/** Debezium heartbeats (heartbeat.interval.ms = 60000) on an idle database: one record a minute. */
const heartbeats: Behaviour = (t) => ok(Math.floor(t / STEP) % 6 === 2 ? 1 : 0);
/** A slow trickle of changes, no heartbeats: one change every 20 to 50 s. */
const trickle: Behaviour = (t) => {
  let next = 0;
  for (let k = 0; next <= t; k++) {
    if (next === t) {
      return ok(1);
    }
    next += (2 + ((k * 7919) % 4)) * STEP;
  }
  return ok(0);
};
/** A crash loop: the task fails for 50 s, runs for 100 s, and again, each failure shorter than the task alarms' 3 minutes. */
const crashLoop: Behaviour = (t) => ((t - INCIDENT) % (150 * S) < 50 * S ? failed : busy(t));
/** Log delivery breaks for 20 minutes; the connector is fine. */
const logOutage = (base: Behaviour): Behaviour => (t) => ({ ...base(t), logsDelivered: !(t >= INCIDENT && t < INCIDENT + 20 * MIN) });

const SCENARIOS: Record<string, Behaviour> = {
  'busy': busy,
  'idle with heartbeats': after(INCIDENT, heartbeats),
  'a slow trickle of changes (no heartbeats)': after(INCIDENT, trickle),
  'idle without heartbeats': after(INCIDENT, () => stalled),
  'stalled (RUNNING, reads nothing)': after(INCIDENT, () => stalled),
  'failed task': after(INCIDENT, () => failed),
  'crash loop': after(INCIDENT, crashLoop),
  'log-delivery outage, busy': logOutage(busy),
  'log-delivery outage, idle with heartbeats': logOutage(after(10 * MIN, heartbeats)),
};

/** The INFO lines apache/kafka's WorkerSourceTask writes at one flush, by version. */
function flushLines(version: string, t: number, acknowledged: number, taskFailed: boolean): string[] {
  const prefix = `[Worker-0bb8afa0b01391c41] [${new Date(t).toISOString()}] INFO`;
  const task = `WorkerSourceTask{id=${NAME}-0}`;
  if (version === '2.7.1') {
    // 2.7.1 logs "Committing offsets" every interval, stuck or failed; "Finished" only after a real commit.
    return [
      `${prefix} ${task} Committing offsets (org.apache.kafka.connect.runtime.WorkerSourceTask:478)`,
      ...(acknowledged > 0 ? [`${prefix} ${task} Finished commitOffsets successfully in 4 ms (org.apache.kafka.connect.runtime.WorkerSourceTask:560)`] : []),
    ];
  }
  return acknowledged > 0 && !taskFailed
    ? [`${prefix} [${NAME}|task-0|offsets] ${task} Committing offsets for ${acknowledged} acknowledged messages (org.apache.kafka.connect.runtime.WorkerSourceTask:233)`]
    : [];
}

interface Run {
  /** When the composite alarm (the recovery trigger) first reached ALARM, or undefined. */
  readonly alarmAt?: number;
  /** The signal alarms in ALARM at that moment (logical IDs without the Guard prefix and hash). */
  readonly firing: string[];
  /** When the log-delivery warning first reached ALARM, and when it went back to OK. */
  readonly warnedAt?: number;
  readonly warningClearedAt?: number;
}

function run(version: KafkaConnectVersion, behaviour: Behaviour, props = {}, options: { flushPhase?: number; alarms?: 'composite' | 'offset-commits' } = {}): Run {
  const { composite, warnings, alarms, metricFilters } = guardAlarms(NAME, version, { connectedMetric: undefined, ...props });
  const signals = new SignalStore();
  const phase = options.flushPhase ?? 0;
  let acknowledged = 0;
  for (let t = 0, flush = 0; t < END; t += STEP) {
    const step = behaviour(t);
    // A flush every 60 s, 0-5 s of deterministic jitter, commits what was acknowledged since the last one.
    const flushAt = flush * MIN + phase + ((flush * 7919) % 6) * S;
    if (flushAt < t + STEP) {
      const lines = flushLines(version.version, flushAt, step.taskFailed ? 0 : acknowledged, step.taskFailed);
      if (step.logsDelivered) {
        lines.forEach((line) => signals.log(flushAt, line));
      }
      acknowledged = 0;
      flush += 1;
    }
    acknowledged += step.taskFailed ? 0 : step.records;
    signals.sample('SourceRecordPollRate', t, step.records / 10);
    signals.sample('SourceRecordWriteRate', t, step.records / 10);
    signals.sample('ErroredTaskCount', t, step.taskFailed ? 1 : 0);
    signals.sample('RunningTaskCount', t, step.taskFailed ? 0 : 1);
  }
  const evaluated = options.alarms === 'offset-commits' ? alarms.filter((a) => /^GuardOffsetCommitAlarm/.test(a.logicalId)) : alarms;
  const sources = new Map(evaluated.map((a) => [a, source(a, metricFilters, signals)]));
  const states = new Map<string, AlarmStateValue>(evaluated.map((a) => [a.logicalId, 'INSUFFICIENT_DATA']));
  const short = (a: AlarmDefinition) => a.logicalId.replace(/^Guard/, '').replace(/[0-9A-F]{8}$/, '');
  let result: Run = { firing: [] };
  for (let now = 10 * MIN; now <= END; now += STEP) {
    for (const alarm of evaluated) {
      states.set(alarm.logicalId, evaluateAlarm(alarm, sources.get(alarm)!, now, states.get(alarm.logicalId)!));
    }
    const state = (id: string) => states.get(id) ?? 'OK';
    const firing = evaluated.filter((a) => state(a.logicalId) === 'ALARM').map(short);
    const triggered = options.alarms === 'offset-commits' ? firing.length > 0 : evaluateRule(composite.rule, state) === 'ALARM';
    if (triggered && result.alarmAt === undefined) {
      result = { ...result, alarmAt: now, firing };
    }
    const warning = options.alarms === 'offset-commits' ? 'OK' : evaluateRule(warnings[0].rule, state);
    if (warning === 'ALARM' && result.warnedAt === undefined) {
      result = { ...result, warnedAt: now };
    } else if (warning === 'OK' && result.warnedAt !== undefined && result.warningClearedAt === undefined) {
      result = { ...result, warningClearedAt: now };
    }
  }
  return result;
}

describe('detection through the synthesized alarms (default props, CloudWatch rules)', () => {
  test('the guard evaluates what it synthesizes: the trigger\'s alarms, then the one only the warning reads', () => {
    const { alarms } = guardAlarms(NAME, KafkaConnectVersion.V3_7_X, { connectedMetric: undefined });
    expect(alarms.map((a) => [a.logicalId.replace(/^Guard/, '').replace(/[0-9A-F]{8}$/, ''), a.periodSeconds, a.evaluationPeriods, a.datapointsToAlarm, a.treatMissingData])).toEqual([
      ['OffsetCommitGapAlarm', 60, 1, 1, 'breaching'],
      ['NoProductionAlarm', 60, 2, 2, 'breaching'],
      ['TaskHealthErroredTasksAlarm', 60, 3, 3, 'notBreaching'],
      ['TaskHealthRunningTasksAlarm', 60, 3, 3, 'notBreaching'],
      ['TaskHealthCrashLoopAlarm', 60, 5, 2, 'notBreaching'],
      ['OffsetCommitAlarm', 60, 5, 5, 'breaching'],
    ]);
  });

  describe.each([KafkaConnectVersion.V3_7_X, KafkaConnectVersion.V2_7_1])('Kafka Connect $version', (version) => {
    test.each(['busy', 'idle with heartbeats', 'a slow trickle of changes (no heartbeats)'])('%s: quiet for an hour (no trigger, no warning)', (scenario) => {
      expect(run(version, SCENARIOS[scenario])).toEqual({ firing: [] });
    });

    // Every start within a minute, and flushes early or late in it.
    test.each([0, 10, 20, 30, 40, 50].flatMap((start) => [0, 35].map((phase) => ({ start, phase }))))(
      'a 90-second stall starting at :$start, flushes at :$phase: quiet', ({ start, phase }) => {
        const from = 20 * MIN + start * S;
        const blip = (t: number) => (t >= from && t < from + 90 * S ? stalled : busy(t));
        expect(run(version, blip, {}, { flushPhase: phase * S })).toEqual({ firing: [] });
      });

    test.each([0, 35])('stalled (RUNNING, reads nothing), flushes at :%i: the logs and the native metrics agree within 2-3 minutes', (phase) => {
      const { alarmAt, firing, warnedAt } = run(version, SCENARIOS['stalled (RUNNING, reads nothing)'], {}, { flushPhase: phase * S });
      expect(firing).toEqual(['OffsetCommitGapAlarm', 'NoProductionAlarm']);
      expect(alarmAt! - INCIDENT).toBeGreaterThanOrEqual(2 * MIN); // two whole silent minutes: no 90-s blip looks like this
      expect(alarmAt! - INCIDENT).toBeLessThanOrEqual(3 * MIN);
      expect(warnedAt).toBeUndefined();
    });

    test('idle without heartbeats: indistinguishable from a stall (the documented false alarm)', () => {
      const { alarmAt, firing } = run(version, SCENARIOS['idle without heartbeats']);
      expect(firing).toEqual(['OffsetCommitGapAlarm', 'NoProductionAlarm']);
      expect(alarmAt! - INCIDENT).toBeLessThanOrEqual(3 * MIN);
    });

    test('failed task: the crash-loop alarm (errored 2 of 5) fires first, within 2 periods', () => {
      const { alarmAt, firing } = run(version, SCENARIOS['failed task']);
      // (A failed 3.x task also logs no commit: the gap alarm agrees, but native production has not been 0 for long enough yet.)
      expect(firing.filter((a) => a !== 'OffsetCommitGapAlarm')).toEqual(['TaskHealthCrashLoopAlarm']);
      expect(alarmAt! - INCIDENT).toBeLessThanOrEqual(2 * MIN);
    });

    test('crash loop (fails 50 s, runs 100 s, again): the task alarms never fire; the crash-loop alarm does, within two failures', () => {
      const { alarmAt, firing } = run(version, SCENARIOS['crash loop']);
      expect(firing.filter((a) => a !== 'OffsetCommitGapAlarm')).toEqual(['TaskHealthCrashLoopAlarm']);
      expect(alarmAt! - INCIDENT).toBeLessThanOrEqual(150 * S + 50 * S + MIN);
      // Without the crash-loop alarm, nothing would fire: each failure is shorter than the 3-of-3 task alarms.
      const withoutLoop = run(version, SCENARIOS['crash loop'], { crashLoopAlarm: { evaluationPeriods: 5, datapointsToAlarm: 5 } });
      expect(withoutLoop).toEqual({ firing: [] });
    });

    test.each(['log-delivery outage, busy', 'log-delivery outage, idle with heartbeats'])('%s: never the trigger; a warning once the offset-commit window is silent, cleared when logs return', (scenario) => {
      const { alarmAt, warnedAt, warningClearedAt } = run(version, SCENARIOS[scenario]);
      expect(alarmAt).toBeUndefined();
      expect(warnedAt! - INCIDENT).toBeGreaterThanOrEqual(5 * MIN);
      expect(warnedAt! - INCIDENT).toBeLessThanOrEqual(6 * MIN + MIN);
      expect(warningClearedAt! - (INCIDENT + 20 * MIN)).toBeLessThanOrEqual(2 * MIN);
    });
  });

  test('the seed\'s "Committing offsets" pattern never sees a stalled 2.7.1 connector (why the pattern follows the version)', () => {
    const seedPattern = { offsetCommitPattern: logs.FilterPattern.literal('"Committing offsets"') };
    expect(run(KafkaConnectVersion.V2_7_1, SCENARIOS['stalled (RUNNING, reads nothing)'], seedPattern, { alarms: 'offset-commits' })).toEqual({ firing: [] });
    // The guard's pattern on the same connector does.
    expect(run(KafkaConnectVersion.V2_7_1, SCENARIOS['stalled (RUNNING, reads nothing)'], {}, { alarms: 'offset-commits' }).firing).toEqual(['OffsetCommitAlarm']);
  });
});
