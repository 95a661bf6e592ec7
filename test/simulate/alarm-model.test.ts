import { KafkaConnectVersion } from '../../src/kafka-connect-version';
import { evaluateRule, parseAlarmRule, readTemplate, ruleAlarms, type AlarmDefinition, type RulePart } from '../../src/simulate/alarm-model';
import { guardAlarms } from '../../src/simulate/guard-alarms';
import { Monitor } from '../../src/simulate/monitor';
import { SignalStore } from '../../src/simulate/signals';

// CDK synthesis: a second or so per guard.
jest.setTimeout(30_000);

/** `ALARM("<arn of id>")` as CDK renders it inside Fn::Join. */
const alarm = (id: string): RulePart[] => ['ALARM("', { ref: id }, '")'];
const rule = (...parts: (string | RulePart[])[]) => parseAlarmRule(parts.flatMap((p) => (typeof p === 'string' ? [p] : p)), 'Test');
/** Every assignment of ALARM / OK / INSUFFICIENT_DATA to the given alarms. */
function assignments(ids: string[]): Record<string, string>[] {
  return ids.reduce<Record<string, string>[]>((all, id) => all.flatMap((a) => ['ALARM', 'OK', 'INSUFFICIENT_DATA'].map((s) => ({ ...a, [id]: s }))), [{}]);
}

describe('the guard\'s synthesized composite alarm rule', () => {
  test.each([
    { case: 'with a Connected metric', props: {}, children: [/^GuardOffsetCommitAlarm/, /^GuardTaskHealthErroredTasksAlarm/, /^GuardTaskHealthRunningTasksAlarm/, /^GuardConnectedAlarm/] },
    { case: 'without one', props: { connectedMetric: undefined }, children: [/^GuardOffsetCommitAlarm/, /^GuardTaskHealthErroredTasksAlarm/, /^GuardTaskHealthRunningTasksAlarm/] },
  ])('$case: refers to exactly the signal alarms, and is ALARM iff one of them is', ({ props, children }) => {
    const { composite, alarms } = guardAlarms('orders-cdc', KafkaConnectVersion.V3_7_X, props);
    expect(composite.logicalId).toMatch(/^GuardCompositeAlarm/);
    const ids = ruleAlarms(composite.rule);
    expect(ids).toHaveLength(children.length);
    children.forEach((re, n) => expect(ids[n]).toMatch(re));
    // The monitor evaluates exactly those (not the recovery-errors alarm).
    expect(alarms.map((a) => a.logicalId)).toEqual(ids);
    expect(composite.text).toBe(`(${ids.map((id) => `ALARM("<${id}>")`).join(' OR ')})`);
    const cases = assignments(ids);
    expect(cases).toHaveLength(3 ** ids.length);
    for (const states of cases) {
      const anyAlarm = Object.values(states).includes('ALARM');
      expect(evaluateRule(composite.rule, (id) => states[id])).toBe(anyAlarm ? 'ALARM' : 'OK');
    }
  });
});

describe('parseAlarmRule / evaluateRule', () => {
  test('AND binds tighter than OR', () => {
    const r = rule(alarm('A'), ' OR ', alarm('B'), ' AND ', alarm('C'));
    expect(r).toEqual({ kind: 'or', operands: [{ kind: 'alarm', logicalId: 'A' }, { kind: 'and', operands: [{ kind: 'alarm', logicalId: 'B' }, { kind: 'alarm', logicalId: 'C' }] }] });
    expect(evaluateRule(r, (id) => (id === 'B' ? 'ALARM' : 'OK'))).toBe('OK');
    expect(evaluateRule(r, (id) => (id === 'A' ? 'ALARM' : 'OK'))).toBe('ALARM');
  });

  test('parentheses group, nested as CDK nests allOf in anyOf', () => {
    const r = rule('((', alarm('A'), ' OR ', alarm('B'), ') AND ', alarm('C'), ')');
    expect(ruleAlarms(r)).toEqual(['A', 'B', 'C']);
    for (const states of assignments(['A', 'B', 'C'])) {
      const expected = (states.A === 'ALARM' || states.B === 'ALARM') && states.C === 'ALARM';
      expect(evaluateRule(r, (id) => states[id])).toBe(expected ? 'ALARM' : 'OK');
    }
  });

  test('an unquoted reference', () => {
    expect(rule('ALARM(', [{ ref: 'A' }], ')')).toEqual({ kind: 'alarm', logicalId: 'A' });
  });

  test.each([
    { case: 'NOT', parts: ['NOT ', alarm('A')], message: '"NOT" is not modelled' },
    { case: 'OK()', parts: ['OK("', [{ ref: 'A' }], '")'], message: '"OK" is not modelled' },
    { case: 'INSUFFICIENT_DATA()', parts: ['INSUFFICIENT_DATA("', [{ ref: 'A' }], '")'], message: '"INSUFFICIENT_DATA" is not modelled' },
    { case: 'TRUE', parts: ['TRUE'], message: '"TRUE" is not modelled' },
    { case: 'AT_LEAST', parts: ['AT_LEAST(2, ALARM, (', alarm('A'), '))'], message: '"AT_LEAST" is not modelled' },
    { case: 'a literal ARN (an alarm outside the template)', parts: ['ALARM("arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:other")'], message: 'ALARM(...) must name an alarm of the template' },
    { case: 'a reference outside ALARM()', parts: [[{ ref: 'A' }]], message: 'a reference to A outside ALARM(...)' },
    { case: 'a dangling OR', parts: [alarm('A'), ' OR'], message: 'it ends where a term is expected' },
    { case: 'an unclosed parenthesis', parts: ['(', alarm('A')], message: 'a missing closing parenthesis' },
    { case: 'two terms without an operator', parts: [alarm('A'), ' ', alarm('B')], message: 'unexpected ALARM' },
    { case: 'an unfinished ALARM(', parts: ['ALARM("', [{ ref: 'A' }]], message: 'an unfinished ALARM(...)' },
  ])('$case: a clear error', ({ parts, message }) => {
    expect(() => rule(...parts as (string | RulePart[])[])).toThrow('composite alarm Test: the simulation cannot evaluate the rule');
    expect(() => rule(...parts as (string | RulePart[])[])).toThrow(message);
  });

  test('readTemplate: a string rule, Fn::Join separators, and references that are not alarms of the template', () => {
    const metricAlarm = { Type: 'AWS::CloudWatch::Alarm', Properties: { Namespace: 'N', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold' } };
    const composite = (AlarmRule: unknown) => ({ Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmRule } });
    const joined = readTemplate({
      Resources: {
        A: metricAlarm,
        B: metricAlarm,
        C: composite({ 'Fn::Join': [' AND ', [{ 'Fn::Join': ['', ['ALARM("', { 'Fn::GetAtt': ['A', 'Arn'] }, '")']] }, { 'Fn::Join': ['', ['ALARM(', { Ref: 'B' }, ')']] }]] }),
      },
    });
    expect(joined.composites).toEqual([{ logicalId: 'C', text: 'ALARM("<A>") AND ALARM(<B>)', rule: { kind: 'and', operands: [{ kind: 'alarm', logicalId: 'A' }, { kind: 'alarm', logicalId: 'B' }] } }]);
    expect(() => readTemplate({ Resources: { A: metricAlarm, C: composite('ALARM(A)') } })).toThrow('ALARM(...) must name an alarm of the template');
    expect(() => readTemplate({ Resources: { A: metricAlarm, C: composite({ 'Fn::Join': ['', ['ALARM("', { 'Fn::GetAtt': ['Topic', 'Arn'] }, '")']] }) } }))
      .toThrow('composite alarm C: its rule refers to Topic, which is not a metric alarm of the template');
    expect(() => readTemplate({ Resources: { C: composite({ 'Fn::Sub': 'ALARM("${A.Arn}")' }) } }))
      .toThrow('composite alarm C: the simulation cannot read the AlarmRule part {"Fn::Sub":"ALARM(\\"${A.Arn}\\")"}');
  });
});

describe('Monitor: the composite follows the rule, not "any alarm"', () => {
  const P = 60_000;
  const def = (logicalId: string, metricName: string): AlarmDefinition => ({
    logicalId,
    metric: { namespace: 'N', metricName, statistic: 'Minimum' },
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparison: 'LessThanThreshold',
    treatMissingData: 'breaching',
  });
  const alarms = [def('GuardAAlarm', 'MA'), def('GuardBAlarm', 'MB')];

  test.each([
    { op: 'AND', expected: 'OK' },
    { op: 'OR', expected: 'ALARM' },
  ])('ALARM(A) $op ALARM(B), with only B in ALARM: $expected', ({ op, expected }) => {
    const signals = new SignalStore();
    signals.sample('MA', 9 * P, 1); // A healthy in [9P, 10P); nothing for B: breaching
    const composite = { logicalId: 'C', text: '', rule: rule(alarm('GuardAAlarm'), ` ${op} `, alarm('GuardBAlarm')) };
    const result = new Monitor(alarms, [], signals, composite).evaluate(10 * P);
    expect(result).toEqual({ composite: expected, changed: expected !== 'OK', alarming: ['B'] });
  });

  test('a rule that refers to an alarm the monitor was not given is refused', () => {
    const composite = { logicalId: 'C', text: '', rule: rule(alarm('GuardAAlarm'), ' OR ', alarm('Other')) };
    expect(() => new Monitor(alarms, [], new SignalStore(), composite)).toThrow('the rule of C refers to alarms the monitor was not given: Other');
  });
});
