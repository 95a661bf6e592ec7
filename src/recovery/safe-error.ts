/**
 * Error text that may leave the recovery function. An AWS error message can echo what the request
 * carried: a CreateConnector `BadRequestException` may quote a `connectorConfiguration` value such as
 * `database.password`. Nothing here copies such a message as is: it keeps the error's name, code,
 * HTTP status and request ID, and replaces every configuration value it knows by the key that names
 * it (`<value of database.password>`). House rule: a notice or log line never carries a value from a
 * connector's configuration; it names keys, not values. Pure: no SDK, no I/O.
 */
import { isObject } from './json';

/** One `connectorConfiguration` entry: the key that names a value, and the value. */
export type ConfigValue = readonly [key: string, value: string];

/** What may be said of an error: its identity in full, its message without configuration values. */
export interface SafeError {
  /** The error's name (the AWS error code for SDK errors, e.g. `BadRequestException`). */
  readonly name: string;
  /** The error's own `Code`/`code`, when it has one that differs from its name (S3 and others). */
  readonly code?: string;
  /** The HTTP status of the answer (`$metadata.httpStatusCode`). */
  readonly status?: number;
  /** The AWS request ID (`$metadata.requestId`): what AWS Support asks for. */
  readonly requestId?: string;
  /** The message, every known configuration value replaced by `<value of KEY>`. */
  readonly message: string;
}

/**
 * Values shorter than this are replaced only where they follow their own key (`tasks.max=1`,
 * `"tasks.max":"1"`), not wherever they occur: `1`, `10` or `yes` occur in any message (HTTP
 * statuses, counts, words), and replacing each would make the message unreadable while protecting
 * nothing (no usable password is that short; MSK Connect and the databases Debezium reads require
 * longer ones). `true` and `false` are switches, never secrets, and are treated the same way.
 * Every other value is replaced wherever it occurs, the longest first, so that a value containing
 * another is replaced whole.
 */
const MIN_ANYWHERE_LENGTH = 4;
const SWITCHES = new Set(['true', 'false']);

/**
 * The `connectorConfiguration` entries of a CreateConnector request or a DescribeConnector answer
 * (any object; anything else has none). Empty values are left out: there is nothing to hide.
 */
export function configurationValues(source: unknown): ConfigValue[] {
  const configuration = isObject(source) ? source.connectorConfiguration : undefined;
  if (!isObject(configuration)) {
    return [];
  }
  return Object.entries(configuration)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]): ConfigValue => [k, String(v)])
    .filter(([, v]) => v.length > 0);
}

/** The configuration values of a stored request's text; none when it is not JSON. */
export function configurationValuesOf(text: string | undefined): ConfigValue[] {
  try {
    return configurationValues(JSON.parse(text ?? ''));
  } catch {
    return [];
  }
}

/** `text` with every configuration value replaced by `<value of KEY>` (see MIN_ANYWHERE_LENGTH for short values). */
export function scrub(text: string, values: readonly ConfigValue[]): string {
  const rules = scrubRules(values);
  if (rules.length === 0) {
    return text;
  }
  // One pass over one alternation: a replacement is never scanned again (a placeholder can hold a
  // word that is itself a value), and at each position the longest value wins.
  const pattern = new RegExp(rules.map((r) => `(${r.source})`).join('|'), 'g');
  return text.replace(pattern, (...groups: unknown[]) => {
    const index = groups.slice(1, rules.length + 1).findIndex((g) => g !== undefined);
    return `<value of ${rules[index].key}>`;
  });
}

/** What may be said of `err` (see SafeError). A thrown non-Error is described by its text, scrubbed. */
export function safeError(err: unknown, values: readonly ConfigValue[]): SafeError {
  if (!(err instanceof Error)) {
    return { name: 'Error', message: scrub(String(err), values) };
  }
  const fields = err as Error & { Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } };
  const code = [fields.Code, fields.code].find((c): c is string => typeof c === 'string' && c !== err.name);
  const status = fields.$metadata?.httpStatusCode;
  const requestId = fields.$metadata?.requestId;
  return {
    name: err.name,
    ...(code !== undefined ? { code: scrub(code, values) } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
    message: scrub(err.message, values),
  };
}

/**
 * One line for a log or a notice: `Name: message (code C, HTTP 400, request ID R)`, the message
 * scrubbed; a thrown non-Error is its scrubbed text.
 */
export function describeError(err: unknown, values: readonly ConfigValue[]): string {
  const safe = safeError(err, values);
  if (!(err instanceof Error)) {
    return safe.message;
  }
  const details = [
    safe.code !== undefined ? `code ${safe.code}` : undefined,
    safe.status !== undefined ? `HTTP ${safe.status}` : undefined,
    safe.requestId !== undefined ? `request ID ${safe.requestId}` : undefined,
  ].filter((d) => d !== undefined);
  return `${safe.name}: ${safe.message}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * The error to throw instead of `err`, once configuration values are known: the Lambda runtime logs a
 * thrown error's message and stack, and whoever catches it may log more of it.
 *
 * With no values known, `err` itself (there is nothing to hide from it). Otherwise a copy that keeps
 * what callers decide on (its prototype, so `instanceof` holds; `name`; `$metadata` with `attempts`,
 * `httpStatusCode` and `requestId`; `$fault`, `$retryable`) with its message and stack scrubbed, and
 * drops everything else the SDK hangs on an error (`$response`, `$responseBodyText`, the fields of
 * the error body), any of which may echo the request. A thrown string comes back scrubbed.
 */
export function scrubbedError(err: unknown, values: readonly ConfigValue[]): unknown {
  if (values.length === 0) {
    return err;
  }
  if (typeof err === 'string') {
    return scrub(err, values);
  }
  if (!(err instanceof Error)) {
    const text = String(err);
    const scrubbed = scrub(text, values);
    return scrubbed === text ? err : new Error(scrubbed);
  }
  const safe = safeError(err, values);
  const copy = new Error(safe.message);
  Object.setPrototypeOf(copy, Object.getPrototypeOf(err));
  Object.defineProperty(copy, 'name', { value: err.name, enumerable: false, writable: true, configurable: true });
  copy.stack = err.stack === undefined ? undefined : scrub(err.stack, values);
  const original = err as Error & Record<string, unknown>;
  const kept = copy as Error & Record<string, unknown>;
  for (const field of ['$metadata', '$fault', '$retryable'] as const) {
    if (original[field] !== undefined) {
      kept[field] = isObject(original[field]) ? { ...original[field] } : original[field];
    }
  }
  if (safe.code !== undefined) {
    kept[typeof original.Code === 'string' ? 'Code' : 'code'] = safe.code;
  }
  return copy;
}

interface ScrubRule {
  readonly key: string;
  /** A regular expression source matching the value (and nothing around it). */
  readonly source: string;
  readonly length: number;
}

function scrubRules(values: readonly ConfigValue[]): ScrubRule[] {
  const rules: ScrubRule[] = [];
  const seen = new Set<string>();
  for (const [key, value] of values) {
    // A value that contains quotes or backslashes is echoed JSON-escaped when a message quotes the request body.
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
      const anywhere = form.length >= MIN_ANYWHERE_LENGTH && !SWITCHES.has(form.toLowerCase());
      const source = anywhere
        ? escapeRegExp(form)
        : `(?<=${escapeRegExp(key)}["']?\\s*[=:]\\s*["']?)${escapeRegExp(form)}(?![A-Za-z0-9])`;
      if (!seen.has(source)) {
        seen.add(source);
        rules.push({ key, source, length: form.length });
      }
    }
  }
  return rules.sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
