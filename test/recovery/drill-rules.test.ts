/**
 * The drill's check of the EventBridge rules that start the function (decide/drill-rules.ts): a single
 * guard needs its alarm rule and its tick, a fleet its tick; each missing, disabled or reshaped one is named.
 */
import { rulesCheck } from '../../src/recovery/decide/drill-rules';
import type { RuleTarget } from '../../src/recovery/model';

const ALARM = 'orders-cdc-debezium-guard';
const ALARM_ARN = `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${ALARM}`;

/** The rules as the construct deploys them (guard.ts: AlarmRule, ReconcileRule). */
const ALARM_RULE: RuleTarget = {
  rule: 'Stack-GuardAlarmRule-1A2B',
  enabled: true,
  eventPattern: JSON.stringify({
    'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'resources': [ALARM_ARN], 'detail': { state: { value: ['ALARM'] } },
  }),
  transformsInput: false,
};
const TICK_RULE: RuleTarget = {
  rule: 'Stack-GuardReconcileRule-3C4D', enabled: true, scheduleExpression: 'rate(1 minute)', input: '{"trigger":"tick"}', transformsInput: false,
};
/** The alarm rule's pattern with these fields added or replaced. */
function withPattern(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(ALARM_RULE.eventPattern!), ...fields });
}
const PREVENTIVE_RESTART: RuleTarget = {
  rule: 'Stack-GuardPreventiveRestartRule-5E6F', enabled: false, scheduleExpression: 'cron(0 3 ? * SUN *)', input: '{"trigger":"scheduled-restart"}', transformsInput: false,
};

describe('the drill\'s EventBridge rules check', () => {
  test('a single guard: its alarm rule and its tick, enabled and targeting the function (the preventive restart is not its concern)', () => {
    expect(rulesCheck({ value: [ALARM_RULE, TICK_RULE, PREVENTIVE_RESTART] }, ALARM)).toEqual({
      check: 'EventBridge rules',
      status: 'OK',
      detail: `rule Stack-GuardAlarmRule-1A2B starts a recovery when alarm ${ALARM} goes to ALARM; `
        + 'rule Stack-GuardReconcileRule-3C4D sends the tick ({"trigger":"tick"}) on a schedule (rate(1 minute)); enabled, targeting this function',
    });
  });

  test('a fleet: its tick only (no alarm rule is expected)', () => {
    expect(rulesCheck({ value: [TICK_RULE] }, undefined)).toMatchObject({ status: 'OK' });
  });

  test('a disabled rule is named, with the fix; the one that is fine is still reported', () => {
    expect(rulesCheck({ value: [{ ...ALARM_RULE, enabled: false }, TICK_RULE] }, ALARM)).toEqual({
      check: 'EventBridge rules',
      status: 'PROBLEM',
      detail: `rule Stack-GuardAlarmRule-1A2B starts a recovery when alarm ${ALARM} goes to ALARM, but is disabled: enable it; `
        + 'rule Stack-GuardReconcileRule-3C4D sends the tick ({"trigger":"tick"}) on a schedule (rate(1 minute))',
    });
  });

  test('one enabled rule of two that fit is enough', () => {
    expect(rulesCheck({ value: [{ ...TICK_RULE, rule: 'old-tick', enabled: false }, TICK_RULE, ALARM_RULE] }, ALARM)).toMatchObject({ status: 'OK' });
  });

  test.each<[string, RuleTarget[]]>([
    ['no rule at all', []],
    ['a rule on another alarm', [{ ...ALARM_RULE, eventPattern: ALARM_RULE.eventPattern!.replace(ALARM, 'payments-cdc-debezium-guard') }]],
    ['a rule on the alarm\'s OK only', [{ ...ALARM_RULE, eventPattern: ALARM_RULE.eventPattern!.replace('["ALARM"]', '["OK"]') }]],
    ['a rule that sends a constant instead of the event', [{ ...ALARM_RULE, input: '{"trigger":"tick"}' }]],
    ['a rule that reshapes the event', [{ ...ALARM_RULE, transformsInput: true }]],
    ['a rule whose pattern is not JSON', [{ ...ALARM_RULE, eventPattern: 'not json' }]],
    ['a rule on another source', [{ ...ALARM_RULE, eventPattern: ALARM_RULE.eventPattern!.replace('aws.cloudwatch', 'aws.kafkaconnect') }]],
    ['a rule that also filters on the account (it would never fire)', [{ ...ALARM_RULE, eventPattern: withPattern({ account: ['999999999999'] }) }]],
    ['a rule that also filters on the previous state', [{ ...ALARM_RULE, eventPattern: withPattern({ detail: { state: { value: ['ALARM'] }, previousState: { value: ['OK'] } } }) }]],
    ['a rule that also filters on the state\'s reason', [{ ...ALARM_RULE, eventPattern: withPattern({ detail: { state: { value: ['ALARM'], reason: ['x'] } } }) }]],
    ['a rule whose detail is not an object', [{ ...ALARM_RULE, eventPattern: withPattern({ detail: ['ALARM'] }) }]],
  ])('no rule that starts a recovery on the alarm: %s', (_, alarmRules) => {
    const check = rulesCheck({ value: [...alarmRules, TICK_RULE] }, ALARM);
    expect(check.status).toBe('PROBLEM');
    expect(check.detail).toMatch(new RegExp(`^no rule that targets this function starts a recovery when alarm ${ALARM} goes to ALARM: deploy again the stack that holds the function; rule `));
  });

  test('the pattern as EventBridge returns it: key order and whitespace do not matter', () => {
    const returned = '{ "detail": {"state": {"value": ["ALARM"]}}, "detail-type": ["CloudWatch Alarm State Change"],\n'
      + `  "resources": ["${ALARM_ARN}"], "source": ["aws.cloudwatch"] }`;
    expect(rulesCheck({ value: [{ ...ALARM_RULE, eventPattern: returned }, TICK_RULE] }, ALARM)).toMatchObject({ status: 'OK' });
  });

  test('a pattern that leaves out the resources or the state matches the alarm\'s change to ALARM too', () => {
    const wide = JSON.stringify({ 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] });
    expect(rulesCheck({ value: [{ ...ALARM_RULE, eventPattern: wide }, TICK_RULE] }, ALARM)).toMatchObject({ status: 'OK' });
  });

  test.each<[string, RuleTarget]>([
    ['the tick without its input', { ...TICK_RULE, input: undefined }],
    ['the tick sending another trigger', { ...TICK_RULE, input: '{"trigger":"scheduled-restart"}' }],
    ['the tick without a schedule', { ...TICK_RULE, scheduleExpression: undefined, eventPattern: '{}' }],
  ])('no tick: %s', (_, tick) => {
    expect(rulesCheck({ value: [tick] }, undefined)).toEqual({
      check: 'EventBridge rules',
      status: 'PROBLEM',
      detail: 'no rule that targets this function sends the tick ({"trigger":"tick"}) on a schedule: deploy again the stack that holds the function',
    });
  });

  test('not read: not checked, with the error; outside Lambda: not checked, with why', () => {
    expect(rulesCheck({ error: 'AccessDeniedException: not authorized to perform: events:ListRuleNamesByTarget (HTTP 400)' }, ALARM)).toEqual({
      check: 'EventBridge rules',
      status: 'NOT_CHECKED',
      detail: 'could not be read: AccessDeniedException: not authorized to perform: events:ListRuleNamesByTarget (HTTP 400)',
    });
    expect(rulesCheck(undefined, ALARM)).toMatchObject({ status: 'NOT_CHECKED', detail: expect.stringMatching(/own ARN is not known/) });
  });
});
