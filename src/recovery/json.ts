/** What the decision core asks of parsed JSON (a stored request, a connector description, an event pattern). Pure. */

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
