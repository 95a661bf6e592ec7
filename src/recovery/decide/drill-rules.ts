/**
 * The drill's check of what starts the recovery function: the EventBridge rules that target it, as
 * ListRuleNamesByTarget, DescribeRule and ListTargetsByRule show them. Pure.
 *
 * A single guard needs two rules: one that starts a recovery when its composite alarm goes to ALARM
 * (the matched event passed through unchanged, which is how the function recognises it), and the
 * tick that continues recoveries in flight. A fleet needs its tick only: the tick finds the members'
 * alarms. Other rules that target the function (the preventive restart) are not the drill's concern.
 */
import { TRIGGER_INPUT } from '../constants';
import { isObject } from '../json';
import type { DrillCheck, RuleTarget } from '../model';
import type { Observed } from './drill';

/** The drill's check of the rules that start the function. */
export const RULES_CHECK = 'EventBridge rules';

/** One rule the function needs: what it does, and whether a target does it. */
interface Need {
  readonly does: string;
  readonly fits: (target: RuleTarget) => boolean;
}

/**
 * The check: OK when each rule the function needs exists, is enabled and targets it as the guard
 * deploys it; a PROBLEM naming each one missing or disabled; not checked when the rules could not be read.
 * @param alarmName the alarm whose ALARM state starts a recovery (a single guard's composite alarm); none for a fleet
 */
export function rulesCheck(observed: Observed<RuleTarget[]> | undefined, alarmName: string | undefined): DrillCheck {
  const check = RULES_CHECK;
  if (observed === undefined) {
    return { check, status: 'NOT_CHECKED', detail: 'not checked: the function\'s own ARN is not known (it runs outside Lambda)' };
  }
  if ('error' in observed) {
    return { check, status: 'NOT_CHECKED', detail: `could not be read: ${observed.error}` };
  }
  const needs: Need[] = [
    ...(alarmName !== undefined ? [{ does: `starts a recovery when alarm ${alarmName} goes to ALARM`, fits: (t: RuleTarget) => startsOnAlarm(t, alarmName) }] : []),
    { does: `sends the tick (${JSON.stringify({ trigger: TRIGGER_INPUT.TICK })}) on a schedule`, fits: sendsTick },
  ];
  const found: string[] = [];
  const problems: string[] = [];
  for (const need of needs) {
    const fitting = observed.value.filter(need.fits);
    const enabled = fitting.find((t) => t.enabled);
    if (enabled) {
      found.push(`rule ${enabled.rule} ${need.does}${enabled.scheduleExpression ? ` (${enabled.scheduleExpression})` : ''}`);
    } else if (fitting.length > 0) {
      problems.push(`rule ${unique(fitting.map((t) => t.rule)).join(', ')} ${need.does}, but is disabled: enable it`);
    } else {
      problems.push(`no rule that targets this function ${need.does}: deploy again the stack that holds the function`);
    }
  }
  return problems.length > 0
    ? { check, status: 'PROBLEM', detail: [...problems, ...found].join('; ') }
    : { check, status: 'OK', detail: `${found.join('; ')}; enabled, targeting this function` };
}

/**
 * The rule matches the alarm's change to ALARM and passes the event through. Its pattern may filter
 * on nothing else: a rule that also asks, say, for another account would never fire for the guard.
 */
function startsOnAlarm(target: RuleTarget, alarmName: string): boolean {
  if (target.eventPattern === undefined || target.input !== undefined || target.transformsInput) {
    return false;
  }
  const pattern = parsed(target.eventPattern);
  const detail = record(pattern?.detail);
  const state = record(detail?.state);
  if (!pattern || !only(pattern, ['source', 'detail-type', 'resources', 'detail']) || !only(detail, ['state']) || !only(state, ['value'])
    || (pattern.detail !== undefined && !detail) || (detail?.state !== undefined && !state)) {
    return false;
  }
  return matches(pattern.source, (v) => v === 'aws.cloudwatch')
    && matches(pattern['detail-type'], (v) => v === 'CloudWatch Alarm State Change')
    && matchesOrAny(pattern.resources, (v) => v.endsWith(`:alarm:${alarmName}`))
    && matchesOrAny(state?.value, (v) => v === 'ALARM');
}

/** The object (if any) has no key but these. */
function only(value: Record<string, unknown> | undefined, keys: string[]): boolean {
  return value === undefined || Object.keys(value).every((k) => keys.includes(k));
}

/** A scheduled rule whose target sends the tick's input. */
function sendsTick(target: RuleTarget): boolean {
  if (target.scheduleExpression === undefined || target.input === undefined || target.transformsInput) {
    return false;
  }
  return parsed(target.input)?.trigger === TRIGGER_INPUT.TICK;
}

/** An event-pattern field that lists a value that fits (EventBridge matches any of a list). */
function matches(field: unknown, fits: (value: string) => boolean): boolean {
  return Array.isArray(field) && field.some((v) => typeof v === 'string' && fits(v));
}

/** As `matches`, or a field the pattern leaves out (which matches every event). */
function matchesOrAny(field: unknown, fits: (value: string) => boolean): boolean {
  return field === undefined || matches(field, fits);
}

function parsed(json: string): Record<string, unknown> | undefined {
  try {
    return record(JSON.parse(json));
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
