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
  private readonly owners = new Map<string, string>();

  /** @param account the account that owns a bucket created without an owner */
  constructor(private readonly clock: Clock, private readonly account: string = '123456789012') {}

  /** Creates a bucket owned by `owner` (the emulator's account by default); an existing bucket keeps its owner. */
  public createBucket(bucket: string, owner: string = this.account): void {
    if (!this.buckets.has(bucket)) {
      this.buckets.set(bucket, new Map());
      this.owners.set(bucket, owner);
    }
  }

  /** The account that owns the bucket, or undefined when there is no such bucket. */
  public bucketOwner(bucket: string): string | undefined {
    return this.owners.get(bucket);
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
    this.owners.delete(bucket);
    return this.buckets.delete(bucket);
  }

  /** The stored body as UTF-8 text, or undefined. */
  public getObjectText(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.get(key)?.body.toString('utf8');
  }

  /**
   * The object, as S3 answers GetObject: NoSuchBucket, then AccessDenied (403) when
   * `expectedOwner` (the `x-amz-expected-bucket-owner` header) is not the bucket's owner, then NoSuchKey.
   * @internal
   */
  public lookup(bucket: string, key: string, expectedOwner?: string): StoredObject {
    const objects = this.buckets.get(bucket);
    if (!objects) {
      throw new ServiceError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    }
    if (expectedOwner !== undefined && expectedOwner !== this.owners.get(bucket)) {
      throw new ServiceError(403, 'AccessDenied', 'Access Denied');
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
      const header = req.headers['x-amz-expected-bucket-owner'];
      const expectedOwner = Array.isArray(header) ? header[0] : header;
      return {
        operation: 'GetObject',
        params: { bucket, key, ...(expectedOwner !== undefined ? { expectedBucketOwner: expectedOwner } : {}) },
        run: () => {
          const obj = this.model.lookup(bucket, key, expectedOwner);
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
