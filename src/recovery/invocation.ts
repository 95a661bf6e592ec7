/**
 * What invoked the function: an EventBridge alarm state change, one of the construct's scheduled
 * inputs, or an operator's `{"action": ...}`; and what may be said of anything else.
 */
import { CONNECTOR_FIELD, connectorOfGuardAlarm, memberAlarmOf, MANUAL_ACTION, TRIGGER_INPUT } from './constants';
import type { TriggerKind } from './model';

/** The events the function accepts, as its error for any other event names them. */
export const ACCEPTED_EVENTS = [
  'an EventBridge "CloudWatch Alarm State Change" event',
  `{"trigger":"${TRIGGER_INPUT.TICK}"}`,
  `{"trigger":"${TRIGGER_INPUT.SCHEDULED_RESTART}"}`,
  ...Object.values(MANUAL_ACTION).map((action) => `{"action":"${action}"}`),
].join(', ').replace(/, ([^,]*)$/, ' or $1');

/**
 * What a log line may say of an event the function refuses: its type and top-level keys, never its
 * values (anyone who may invoke the function chooses them, and may paste anything).
 */
export function eventShape(event: unknown): { type: string; keys?: string[] } {
  if (typeof event !== 'object' || event === null) {
    return { type: event === null ? 'null' : typeof event };
  }
  return { type: Array.isArray(event) ? 'array' : 'object', keys: Object.keys(event).slice(0, 20).map((key) => key.slice(0, 64)) };
}

/**
 * Maps an invocation payload to a trigger: an EventBridge alarm state change, one of the
 * construct's scheduled inputs, or a manual `{"action": ...}`.
 * @returns undefined for a payload the function does not handle
 */
export function triggerOf(event: unknown): TriggerKind | undefined {
  if (typeof event !== 'object' || event === null) {
    return undefined;
  }
  const e = event as Record<string, unknown>;
  if (e['detail-type'] === 'CloudWatch Alarm State Change') {
    return 'ALARM';
  }
  switch (e.trigger) {
    case TRIGGER_INPUT.TICK: return 'TICK';
    case TRIGGER_INPUT.SCHEDULED_RESTART: return 'SCHEDULED_RESTART';
  }
  switch (e.action) {
    case MANUAL_ACTION.RECOVER: return 'MANUAL_RECOVER';
    case MANUAL_ACTION.RESET: return 'MANUAL_RESET';
    case MANUAL_ACTION.STATUS: return 'STATUS';
    case MANUAL_ACTION.DRILL: return 'DRILL';
  }
  return undefined;
}

/**
 * The connector an event names, for a fleet's function: a guard composite alarm's state change names
 * it in the alarm's name, a manual action in its `connector` field.
 * @returns undefined when the event names none (a tick names none)
 */
export function connectorOf(event: unknown): string | undefined {
  const e = event as Record<string, unknown>;
  if (e['detail-type'] === 'CloudWatch Alarm State Change') {
    const name = (e.detail as Record<string, unknown> | undefined)?.alarmName;
    return typeof name === 'string' ? connectorOfGuardAlarm(name) ?? memberAlarmOf(name)?.connector : undefined;
  }
  const named = e[CONNECTOR_FIELD];
  return typeof named === 'string' && named.length > 0 ? named : undefined;
}
