import { KafkaConnectVersion } from '../../src/kafka-connect-version';
import { evaluateExpression, evaluateRule, parseAlarmRule, parseExpression, readTemplate, ruleAlarms, type AlarmDefinition, type RulePart } from '../../tools/simulate/alarm-model';
import { guardAlarms } from '../../tools/simulate/guard-alarms';
import { Monitor } from '../../tools/simulate/monitor';
import { SignalStore } from '../../tools/simulate/signal-store';

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
    { case: 'with a Connected metric', props: {}, connected: true },
    { case: 'without one', props: { connectedMetric: undefined }, connected: false },
  ])('$case: (gap AND no production) OR the task alarms OR crash loop [OR Connected], over every assignment of states', ({ props, connected }) => {
    const { composite, warnings, alarms } = guardAlarms('orders-cdc', KafkaConnectVersion.V3_7_X, props);
    expect(composite.logicalId).toMatch(/^GuardCompositeAlarm/);
    const ids = ruleAlarms(composite.rule);
    const expected = [/^GuardOffsetCommitGapAlarm/, /^GuardNoProductionAlarm/, /^GuardTaskHealthErroredTasksAlarm/, /^GuardTaskHealthRunningTasksAlarm/,
      /^GuardTaskHealthCrashLoopAlarm/, ...(connected ? [/^GuardConnectedAlarm/] : [])];
    expect(ids).toHaveLength(expected.length);
    expected.forEach((re, n) => expect(ids[n]).toMatch(re));
    const [gap, none, ...others] = ids;
    expect(composite.text).toBe(`((ALARM("<${gap}>") AND ALARM("<${none}>")) OR ${others.map((id) => `ALARM("<${id}>")`).join(' OR ')})`);
    // The monitor evaluates those, then the ones only the log-delivery warning reads (the offset-commit alarm).
    expect(warnings.map((w) => w.logicalId)).toEqual([expect.stringMatching(/^GuardLogDeliveryAlarm/)]);
    const offsetCommit = alarms.find((a) => /^GuardOffsetCommitAlarm/.test(a.logicalId))!.logicalId;
    expect(alarms.map((a) => a.logicalId)).toEqual([...ids, offsetCommit]);
    for (const states of assignments(ids)) {
      const on = (id: string) => states[id] === 'ALARM';
      const expectedState = (on(gap) && on(none)) || others.some(on);
      expect(evaluateRule(composite.rule, (id) => states[id])).toBe(expectedState ? 'ALARM' : 'OK');
    }
  });

  test('the log-delivery warning: ALARM iff the offset-commit alarm is in ALARM and no-production is not (OK or INSUFFICIENT_DATA)', () => {
    const { warnings } = guardAlarms('orders-cdc', KafkaConnectVersion.V3_7_X, {});
    const [warning] = warnings;
    const [commits, none] = ruleAlarms(warning.rule);
    expect(commits).toMatch(/^GuardOffsetCommitAlarm/);
    expect(none).toMatch(/^GuardNoProductionAlarm/);
    for (const states of assignments([commits, none])) {
      expect(evaluateRule(warning.rule, (id) => states[id])).toBe(states[commits] === 'ALARM' && states[none] !== 'ALARM' ? 'ALARM' : 'OK');
    }
  });

  test('the seed approach acts on any of the seed\'s alarms (offset commits, task health, Connected), none of the new ones', () => {
    const { composite, warnings } = guardAlarms('orders-cdc', KafkaConnectVersion.V3_7_X, {}, 'seed');
    expect(ruleAlarms(composite.rule).map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'GuardOffsetCommitAlarm', 'GuardTaskHealthErroredTasksAlarm', 'GuardTaskHealthRunningTasksAlarm', 'GuardConnectedAlarm',
    ]);
    expect(composite.rule.kind).toBe('or');
    expect(warnings).toEqual([]);
  });
});

describe('metric-math expressions', () => {
  test('the no-production alarm reads FILL(polled, 0) + FILL(written, 0) over its two metrics', () => {
    const { alarms } = guardAlarms('orders-cdc', KafkaConnectVersion.V3_7_X, {});
    const none = alarms.find((a) => /^GuardNoProductionAlarm/.test(a.logicalId))!;
    expect(none.fill).toBeUndefined();
    expect(none.expression?.text).toBe('FILL(polled, 0) + FILL(written, 0)');
    expect(none.expression?.metrics).toEqual({
      polled: { namespace: 'AWS/KafkaConnect', metricName: 'SourceRecordPollRate', statistic: 'Maximum' },
      written: { namespace: 'AWS/KafkaConnect', metricName: 'SourceRecordWriteRate', statistic: 'Maximum' },
    });
    const value = (polled?: number, written?: number) => evaluateExpression(none.expression!.ast, (id) => (id === 'polled' ? polled : written));
    expect(value(undefined, undefined)).toBe(0);
    expect(value(2, undefined)).toBe(2);
    expect(value(0, 3)).toBe(3);
  });

  test.each([
    { text: 'a + b * 2', values: { a: 1, b: 3 }, expected: 7 },
    { text: '(a + b) / 2', values: { a: 1, b: 3 }, expected: 2 },
    { text: 'a - -1', values: { a: 1 }, expected: 2 },
    { text: 'a + b', values: { a: 1 }, expected: undefined },
    { text: 'FILL(a + b, -1)', values: { a: 1 }, expected: -1 },
    { text: 'a / b', values: { a: 1, b: 0 }, expected: undefined },
    // Comparisons and AND / OR give 1 or 0; IF picks a branch; looser than arithmetic, OR looser than AND.
    { text: 'IF(FILL(e, 0) > 0 OR FILL(r, 2) < 2, 1, 0)', values: { r: 1 }, expected: 1 },
    { text: 'IF(FILL(e, 0) > 0 OR FILL(r, 2) < 2, 1, 0)', values: {}, expected: 0 },
    { text: 'IF(FILL(e, 0) > 0 OR FILL(r, 2) < 2, 1, 0)', values: { e: 1, r: 3 }, expected: 1 },
    { text: 'a + 1 >= 2 AND b == 0 OR a != a', values: { a: 1, b: 0 }, expected: 1 },
    { text: 'a <= 0 AND b == 0', values: { a: 1, b: 0 }, expected: 0 },
    { text: 'IF(a > 0, b, 7)', values: { a: 1 }, expected: undefined },
    { text: 'IF(a, 1, 0)', values: {}, expected: undefined },
  ])('$text = $expected (missing propagates, FILL replaces it)', ({ text, values, expected }) => {
    expect(evaluateExpression(parseExpression(text), (id) => (values as Record<string, number>)[id])).toBe(expected);
  });

  test.each([
    { text: 'RATE(a)', message: 'the function RATE is not modelled (only FILL and IF are)' },
    { text: 'FILL(a, REPEAT)', message: 'FILL takes a number as its fill value, got "REPEAT"' },
    { text: 'a +', message: 'it ends where a term is expected' },
    { text: '(a', message: 'expected ")", got the end' },
  ])('$text: a clear error', ({ text, message }) => {
    expect(() => parseExpression(text)).toThrow(message);
  });

  test('readTemplate: an expression that reads a metric it does not define is refused', () => {
    const stat = (Id: string) => ({ Id, MetricStat: { Metric: { Namespace: 'N', MetricName: Id }, Period: 60, Stat: 'Sum' }, ReturnData: false });
    const resources = (Expression: string) => ({
      Resources: { A: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Id: 'e', Expression }, stat('x'), stat('y')], EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'LessThanOrEqualToThreshold' } } },
    });
    expect(readTemplate(resources('x + y')).alarms[0].expression?.metrics).toEqual({ x: { namespace: 'N', metricName: 'x', statistic: 'Sum' }, y: { namespace: 'N', metricName: 'y', statistic: 'Sum' } });
    expect(() => readTemplate(resources('x + z'))).toThrow('the simulation cannot evaluate the expression "x + z" of alarm A: it reads z, which it does not define');
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

  test('NOT binds tighter than AND; NOT ALARM(x) holds for OK and INSUFFICIENT_DATA', () => {
    const r = rule('(', alarm('A'), ' AND (NOT (', alarm('B'), ')))');
    expect(r).toEqual({ kind: 'and', operands: [{ kind: 'alarm', logicalId: 'A' }, { kind: 'not', operand: { kind: 'alarm', logicalId: 'B' } }] });
    expect(ruleAlarms(r)).toEqual(['A', 'B']);
    for (const states of assignments(['A', 'B'])) {
      expect(evaluateRule(r, (id) => states[id])).toBe(states.A === 'ALARM' && states.B !== 'ALARM' ? 'ALARM' : 'OK');
    }
    expect(rule('NOT ', alarm('A'), ' AND ', alarm('B'))).toEqual({ kind: 'and', operands: [{ kind: 'not', operand: { kind: 'alarm', logicalId: 'A' } }, { kind: 'alarm', logicalId: 'B' }] });
  });

  test('an unquoted reference', () => {
    expect(rule('ALARM(', [{ ref: 'A' }], ')')).toEqual({ kind: 'alarm', logicalId: 'A' });
  });

  test.each([
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
    expect(result).toEqual({ composite: expected, changed: expected !== 'OK', alarming: ['B'], warnings: [] });
  });

  test('a warning composite is evaluated beside the trigger, and reports its changes', () => {
    const signals = new SignalStore();
    signals.sample('MA', 9 * P, 1);
    const trigger = { logicalId: 'C', text: '', rule: rule(alarm('GuardAAlarm')) };
    const warning = { logicalId: 'W', text: '', rule: rule(alarm('GuardBAlarm'), ' AND NOT ', alarm('GuardAAlarm')) };
    const monitor = new Monitor(alarms, [], signals, trigger, [warning]);
    expect(monitor.evaluate(10 * P)).toEqual({ composite: 'OK', changed: false, alarming: ['B'], warnings: [{ logicalId: 'W', state: 'ALARM', changed: true }] });
    expect(monitor.evaluate(10 * P).warnings).toEqual([{ logicalId: 'W', state: 'ALARM', changed: false }]);
  });

  test('a rule that refers to an alarm the monitor was not given is refused', () => {
    const composite = { logicalId: 'C', text: '', rule: rule(alarm('GuardAAlarm'), ' OR ', alarm('Other')) };
    expect(() => new Monitor(alarms, [], new SignalStore(), composite)).toThrow('the rule of C refers to alarms the monitor was not given: Other');
  });
});
