import type { IncomingHttpHeaders } from 'http';

/** The six services the emulator routes, named as in the SigV4 credential scope. */
export type ServiceName = 'kafkaconnect' | 's3' | 'sns' | 'monitoring' | 'dynamodb' | 'events';

export const SERVICE_NAMES: readonly ServiceName[] = ['kafkaconnect', 's3', 'sns', 'monitoring', 'dynamodb', 'events'];

/** A fully read HTTP request, as handed to a service handler. */
export interface RawRequest {
  readonly method: string;
  /** Raw (still percent-encoded) path, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What a handler wants written back. */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Scalar-ish values recorded in the request log for assertions. */
export type LogParams = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * A service-level error. Each service renders it in its own wire shape (restJson header, awsQuery XML,
 * awsJson `__type`, S3 XML), so models can throw it without knowing the protocol.
 */
export class ServiceError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** Extra top-level fields for the error body (e.g. DynamoDB `Item`, S3 `Key`). */
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** One decoded call: its operation name, the parameters worth logging, and the deferred work. */
export interface Call {
  readonly operation: string;
  readonly params: LogParams;
  /** Performs the operation; throws ServiceError for modelled failures. */
  run(requestId: string): HttpResult;
}

/** The protocol adapter every service implements. */
export interface ServiceHandler {
  /** Decodes routing information only. Must not throw and must not change state. */
  decode(req: RawRequest): Call;
  /** Renders an error in the service's wire format. */
  renderError(err: ServiceError, requestId: string): HttpResult;
  /** The error this service returns when throttling (`code` overrides the default where it has variants). */
  throttlingError(code?: string): ServiceError;
  /** A 5xx error in this service's shape. */
  serverError(status: number): ServiceError;
}

/** Extracts the signing scope from a SigV4 Authorization header (or presigned-URL query). Signatures are not checked. */
export function credentialScope(headers: IncomingHttpHeaders, query: URLSearchParams):
{ accessKeyId: string; date: string; region: string; service: string } | undefined {
  const auth = headers.authorization;
  const source = typeof auth === 'string' ? auth : query.get('X-Amz-Credential') ?? '';
  const m = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(source)
    ?? /^([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request$/.exec(source);
  if (!m) {
    return undefined;
  }
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4] };
}

export function jsonResult(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function xmlResult(status: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return { status, headers: { 'content-type': 'text/xml', ...headers }, body };
}

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const AWS_JSON_1_0 = 'application/x-amz-json-1.0';
/** The content type of awsJson1_1 services (EventBridge); the others here speak awsJson1_0. */
export const AWS_JSON_1_1 = 'application/x-amz-json-1.1';

/** An awsJson1_0 error: `{"__type": "<namespace>#<Shape>", "message": ...}` plus any extra fields. */
export function awsJsonError(err: ServiceError, requestId: string, type: string, headers: Record<string, string> = {}): HttpResult {
  return jsonResult(err.status, { __type: type, message: err.message, ...err.extra }, {
    'content-type': AWS_JSON_1_0,
    'x-amzn-requestid': requestId,
    ...headers,
  });
}

/** Parses a JSON request body that must be an object; `undefined` when it is not valid JSON or not an object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  try {
    const value: unknown = JSON.parse(text.length === 0 ? '{}' : text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes one path segment, returning undefined for malformed percent-encoding instead of throwing. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The operation of an awsJson1_0 request: its `x-amz-target` without the service prefix, or undefined. */
export function targetOperation(req: RawRequest, prefix: string): string | undefined {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
}

/** An awsJson1_0 target (`x-amz-target`) the emulator does not model: 400 UnknownOperationException, as the services answer. */
export function unknownTarget(req: RawRequest, operation: string | undefined): Call {
  const target = req.headers['x-amz-target'];
  return {
    operation: operation ?? 'Unknown',
    params: {},
    run: () => {
      throw new ServiceError(400, 'UnknownOperationException', `Unknown or unsupported operation ${String(target)}.`);
    },
  };
}

/**
 * The run of an awsJson operation: 200 with `answer(body)`, or 400 SerializationException when the
 * body was not a JSON object (`body` as `parseJsonObject` returned it; each service words that error its own way).
 */
export function awsJsonRun(
  body: Record<string, unknown> | undefined,
  notAnObject: string,
  answer: (body: Record<string, unknown>) => unknown,
  contentType: string = AWS_JSON_1_0,
): () => HttpResult {
  return () => {
    if (!body) {
      throw new ServiceError(400, 'SerializationException', notAnObject);
    }
    return jsonResult(200, answer(body), { 'content-type': contentType });
  };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Timestamps: restJson (kafkaconnect) uses ISO-8601 strings; awsJson (CloudWatch) uses epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
