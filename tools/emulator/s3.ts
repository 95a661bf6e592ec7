import { createHash } from 'crypto';
import type { Clock } from './clock';
import { Call, decodeSegment, HttpResult, RawRequest, ServiceError, ServiceHandler, xmlEscape } from './wire';

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: number;
}

/** S3 buckets and objects. Only GetObject is served over HTTP, path-style (`forcePathStyle: true`). */
export class S3Model {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(private readonly clock: Clock) {}

  public createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) {
      this.buckets.set(bucket, new Map());
    }
  }

  /** Stores an object, creating the bucket if needed. */
  public putObject(bucket: string, key: string, body: string | Buffer, contentType: string = 'application/octet-stream'): void {
    this.createBucket(bucket);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    this.buckets.get(bucket)!.set(key, {
      body: bytes,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      contentType,
      lastModified: this.clock.now(),
    });
  }

  /** Removes an object; returns whether it existed. */
  public deleteObject(bucket: string, key: string): boolean {
    return this.buckets.get(bucket)?.delete(key) ?? false;
  }

  public deleteBucket(bucket: string): boolean {
    return this.buckets.delete(bucket);
  }

  /** The stored body as UTF-8 text, or undefined. */
  public getObjectText(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.get(key)?.body.toString('utf8');
  }

  /** @internal */
  public lookup(bucket: string, key: string): StoredObject {
    const objects = this.buckets.get(bucket);
    if (!objects) {
      throw new ServiceError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    }
    const obj = objects.get(key);
    if (!obj) {
      throw new ServiceError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    }
    return obj;
  }
}

/** S3 restXml: `GET /<bucket>/<key>`; errors as `<Error><Code>..</Code><Message>..</Message></Error>`. */
export class S3Handler implements ServiceHandler {
  constructor(private readonly model: S3Model) {}

  public decode(req: RawRequest): Call {
    const segments = req.path.split('/').slice(1).map(decodeSegment);
    const bucket = segments[0];
    const key = segments.slice(1).join('/');
    const malformed = segments.some(s => s === undefined);
    if (req.method === 'GET' && !malformed && bucket && key.length > 0) {
      return {
        operation: 'GetObject',
        params: { bucket, key },
        run: () => {
          const obj = this.model.lookup(bucket, key);
          return {
            status: 200,
            headers: {
              'content-type': obj.contentType,
              'etag': obj.etag,
              'last-modified': new Date(obj.lastModified).toUTCString(),
              'accept-ranges': 'bytes',
            },
            body: obj.body,
          };
        },
      };
    }
    return {
      operation: 'Unknown',
      params: { method: req.method, path: req.path },
      run: () => {
        if (malformed) {
          throw new ServiceError(400, 'InvalidURI', "Couldn't parse the specified URI.");
        }
        throw new ServiceError(501, 'NotImplemented', `The emulator only implements path-style GetObject, not ${req.method} ${req.path}.`);
      },
    };
  }

  public renderError(err: ServiceError, requestId: string): HttpResult {
    const extra = Object.entries(err.extra).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`).join('');
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n'
      + `<Error><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message>${extra}`
      + `<RequestId>${requestId}</RequestId><HostId>emulator</HostId></Error>`;
    return { status: err.status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body };
  }

  public throttlingError(code: string = 'SlowDown'): ServiceError {
    return new ServiceError(503, code, 'Please reduce your request rate.');
  }

  public serverError(status: number): ServiceError {
    return status === 503
      ? new ServiceError(503, 'ServiceUnavailable', 'Service is unable to handle request.')
      : new ServiceError(500, 'InternalError', 'We encountered an internal error. Please try again.');
  }
}
