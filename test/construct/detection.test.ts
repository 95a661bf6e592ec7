import * as logs from 'aws-cdk-lib/aws-logs';
import { KafkaConnectVersion } from '../../src';
import { evaluateAlarm, type AlarmStateValue } from '../../src/simulate/alarm-evaluator';
import type { AlarmDefinition } from '../../src/simulate/alarm-model';
import { compileFilterPattern } from '../../src/simulate/filter-pattern';
import { guardAlarms } from '../../src/simulate/guard-alarms';

/*
 * The detection claim, proven on the guard's own synthesized definitions at their real timing:
 * minute-by-minute worker log lines go through the synthesized metric filter's pattern, task
 * metrics are sampled as AWS/KafkaConnect publishes them, and every alarm the composite combines is
 * evaluated with CloudWatch's period / evaluation-periods / datapoints-to-alarm / missing-data
 * rules once a minute. Default props: 1-minute periods, a 5-minute offset-commit window.
 */

const MIN = 60_000;
const NAME = 'orders-cdc';
const WINDOW = 5 * MIN;
const PERIOD = MIN;
/** The incident starts mid-minute: the worst case for how late a period-aligned alarm can be. */
const INCIDENT = 20 * MIN + 30_000;
const END = 60 * MIN;

/** What the connector does at a flush (every offset.flush.interval.ms = 60 s, a few seconds of jitter). */
interface Flush {
  /** Records acknowledged since the last flush (0 when idle or stalled). */
  readonly acknowledged: number;
  readonly taskFailed: boolean;
}
type Behaviour = (t: number) => Flush;

const busy: Behaviour = () => ({ acknowledged: 250, taskFailed: false });
const after = (incident: Flush): Behaviour => (t) => (t < INCIDENT ? busy(t) : incident);
const SCENARIOS: Record<string, Behaviour> = {
  'busy': busy,
  // Debezium heartbeats (heartbeat.interval.ms = 60000) produce a record per interval on an idle database.
  'idle with heartbeats': (t) => (t < INCIDENT ? busy(t) : { acknowledged: 1, taskFailed: false }),
  'idle without heartbeats': after({ acknowledged: 0, taskFailed: false }),
  'stalled (RUNNING, reads nothing)': after({ acknowledged: 0, taskFailed: false }),
  'failed task': after({ acknowledged: 0, taskFailed: true }),
};

/** The INFO lines apache/kafka's WorkerSourceTask writes at one flush, by version. */
function flushLines(version: string, t: number, f: Flush): string[] {
  const prefix = `[Worker-0bb8afa0b01391c41] [${new Date(t).toISOString()}] INFO`;
  const task = `WorkerSourceTask{id=${NAME}-0}`;
  if (version === '2.7.1') {
    // 2.7.1 logs "Committing offsets" every interval, stuck or failed; "Finished" only after a real commit.
    return [
      `${prefix} ${task} Committing offsets (org.apache.kafka.connect.runtime.WorkerSourceTask:478)`,
      ...(f.acknowledged > 0 && !f.taskFailed ? [`${prefix} ${task} Finished commitOffsets successfully in 4 ms (org.apache.kafka.connect.runtime.WorkerSourceTask:560)`] : []),
    ];
  }
  return f.acknowledged > 0 && !f.taskFailed
    ? [`${prefix} [${NAME}|task-0|offsets] ${task} Committing offsets for ${f.acknowledged} acknowledged messages (org.apache.kafka.connect.runtime.WorkerSourceTask:233)`]
    : [];
}

interface Run {
  /** When the composite alarm (any of its alarms) first reached ALARM, or undefined. */
  readonly alarmAt?: number;
  /** The alarms in ALARM at that moment, by metric name. */
  readonly firing: string[];
}

function run(version: KafkaConnectVersion, behaviour: Behaviour, props = {}): Run {
  const { alarms, metricFilters } = guardAlarms(NAME, version, { connectedMetric: undefined, ...props });
  const [filter] = metricFilters;
  const matches = compileFilterPattern(filter.filterPattern);

  // Flushes every 60 s with 0-5 s of deterministic jitter; task metrics sampled every minute.
  const lines: { t: number; text: string }[] = [];
  const samples: { t: number; errored: number; running: number }[] = [];
  for (let k = 0; k * MIN < END; k++) {
    const t = k * MIN + ((k * 7919) % 6) * 1000;
    lines.push(...flushLines(version.version, t, behaviour(t)).map((text) => ({ t, text })));
    const failed = behaviour(k * MIN).taskFailed;
    samples.push({ t: k * MIN, errored: failed ? 1 : 0, running: failed ? 0 : 1 });
  }
  const datapoints = (alarm: AlarmDefinition) => (start: number, end: number): number | undefined => {
    if (alarm.metric.namespace === filter.namespace && alarm.metric.metricName === filter.metricName) {
      const n = lines.filter((l) => l.t >= start && l.t < end && matches(l.text)).length;
      return n > 0 ? n : undefined; // a metric filter publishes nothing when nothing matched
    }
    const inPeriod = samples.filter((s) => s.t >= start && s.t < end);
    const values = inPeriod.map((s) => (alarm.metric.metricName === 'ErroredTaskCount' ? s.errored : s.running));
    if (values.length === 0) {
      return undefined;
    }
    return alarm.metric.statistic === 'Maximum' ? Math.max(...values) : Math.min(...values);
  };

  const states = new Map<AlarmDefinition, AlarmStateValue>(alarms.map((a) => [a, 'INSUFFICIENT_DATA']));
  for (let now = WINDOW; now <= END; now += MIN) {
    for (const alarm of alarms) {
      states.set(alarm, evaluateAlarm(alarm, datapoints(alarm), now, states.get(alarm)!));
    }
    const firing = alarms.filter((a) => states.get(a) === 'ALARM').map((a) => a.metric.metricName);
    if (firing.length > 0) {
      return { alarmAt: now, firing };
    }
  }
  return { firing: [] };
}

describe('detection through the synthesized alarms (default props, CloudWatch rules)', () => {
  test('the guard evaluates what it synthesizes: 1-minute periods, 5 of 5 on FILL(commits, 0), 3 of 3 on task health', () => {
    const { alarms } = guardAlarms(NAME, KafkaConnectVersion.V3_7_X, { connectedMetric: undefined });
    expect(alarms.map((a) => [a.metric.metricName, a.periodSeconds, a.evaluationPeriods, a.datapointsToAlarm, a.fill, a.treatMissingData])).toEqual([
      [NAME, 60, 5, 5, 0, 'breaching'],
      ['ErroredTaskCount', 60, 3, 3, undefined, 'notBreaching'],
      ['RunningTaskCount', 60, 3, 3, undefined, 'notBreaching'],
    ]);
  });

  describe.each([KafkaConnectVersion.V3_7_X, KafkaConnectVersion.V2_7_1])('Kafka Connect $version', (version) => {
    test.each(['busy', 'idle with heartbeats'])('%s: never ALARM in an hour', (scenario) => {
      expect(run(version, SCENARIOS[scenario])).toEqual({ firing: [] });
    });

    test.each(['stalled (RUNNING, reads nothing)', 'idle without heartbeats'])('%s: the offset-commit alarm fires within one period after the window ends', (scenario) => {
      const { alarmAt, firing } = run(version, SCENARIOS[scenario]);
      expect(firing).toEqual([NAME]);
      expect(alarmAt! - INCIDENT).toBeGreaterThanOrEqual(WINDOW);
      expect(alarmAt! - INCIDENT).toBeLessThanOrEqual(WINDOW + PERIOD);
    });

    test('failed task: the errored-tasks and running-tasks alarms fire first, within 3 periods and one more', () => {
      const { alarmAt, firing } = run(version, SCENARIOS['failed task']);
      expect(firing).toEqual(['ErroredTaskCount', 'RunningTaskCount']);
      expect(alarmAt! - INCIDENT).toBeLessThanOrEqual(3 * PERIOD + PERIOD);
    });
  });

  test('the seed\'s "Committing offsets" pattern never sees a stalled 2.7.1 connector (why the pattern follows the version)', () => {
    const seedPattern = { offsetCommitPattern: logs.FilterPattern.literal('"Committing offsets"') };
    expect(run(KafkaConnectVersion.V2_7_1, SCENARIOS['stalled (RUNNING, reads nothing)'], seedPattern)).toEqual({ firing: [] });
  });
});
