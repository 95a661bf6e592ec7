import type { Clock } from './clock';
import type { IdGenerator } from './ids';
import { Call, HttpResult, RawRequest, ServiceError, ServiceHandler, xmlEscape, xmlResult } from './wire';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_MESSAGE_BYTES = 256 * 1024;

/** A message accepted by Publish. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageAttributes: Record<string, { dataType: string; value: string }>;
  /** Emulator clock time (ms). */
  readonly time: number;
}

/** SNS topics and every published message. */
export class SnsModel {
  /** Everything published, oldest first. */
  public readonly published: PublishedMessage[] = [];
  private readonly topics = new Set<string>();

  constructor(private readonly clock: Clock, private readonly ids: IdGenerator) {}

  public createTopic(topicArn: string): void {
    this.topics.add(topicArn);
  }

  public deleteTopic(topicArn: string): boolean {
    return this.topics.delete(topicArn);
  }

  /** Messages published to one topic. */
  public messages(topicArn: string): PublishedMessage[] {
    return this.published.filter(m => m.topicArn === topicArn);
  }

  /** @internal */
  public publish(form: URLSearchParams): { messageId: string } {
    const topicArn = form.get('TopicArn') ?? form.get('TargetArn');
    const message = form.get('Message');
    const subject = form.get('Subject') ?? undefined;
    if (form.get('PhoneNumber') !== null) {
      throw invalidParameter('PhoneNumber', 'SMS is not supported by the emulator');
    }
    if (!topicArn) {
      throw invalidParameter('TopicArn or TargetArn', 'must be specified');
    }
    if (message === null || message.length === 0) {
      throw new ServiceError(400, 'InvalidParameter', 'Invalid parameter: Empty message');
    }
    if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) {
      throw invalidParameter('Message', 'Message too long');
    }
    if (subject !== undefined && (subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject))) {
      throw invalidParameter('Subject', 'Subject must be 1-100 characters without line breaks');
    }
    if (!this.topics.has(topicArn)) {
      if (!/^arn:aws[a-z-]*:sns:[^:]+:\d{12}:[\w-]+(\.fifo)?$/.test(topicArn)) {
        throw invalidParameter('TopicArn', 'Invalid ARN');
      }
      throw new ServiceError(404, 'NotFound', 'Topic does not exist');
    }
    const messageId = this.ids.uuid('sns-message');
    this.published.push({ messageId, topicArn, subject, message, messageAttributes: parseAttributes(form), time: this.clock.now() });
    return { messageId };
  }
}

function invalidParameter(name: string, reason: string): ServiceError {
  return new ServiceError(400, 'InvalidParameter', `Invalid parameter: ${name} Reason: ${reason}`);
}

/** Decodes `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` (or BinaryValue). */
function parseAttributes(form: URLSearchParams): Record<string, { dataType: string; value: string }> {
  const attributes: Record<string, { dataType: string; value: string }> = {};
  for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
    const prefix = `MessageAttributes.entry.${i}`;
    const name = form.get(`${prefix}.Name`)!;
    const dataType = form.get(`${prefix}.Value.DataType`);
    const value = form.get(`${prefix}.Value.StringValue`) ?? form.get(`${prefix}.Value.BinaryValue`);
    if (!dataType || value === null) {
      throw invalidParameter(`MessageAttributes.${name}`, 'DataType and a value are required');
    }
    attributes[name] = { dataType, value };
  }
  return attributes;
}

/** SNS over awsQuery: form-encoded POST with `Action=`, XML responses and `<ErrorResponse>` errors. */
export class SnsHandler implements ServiceHandler {
  constructor(private readonly model: SnsModel) {}

  public decode(req: RawRequest): Call {
    // URLSearchParams never throws; malformed escapes decode leniently, as the real endpoint does.
    const form = new URLSearchParams(req.body.toString('utf8'));
    for (const [k, v] of req.query) {
      if (!form.has(k)) {
        form.set(k, v);
      }
    }
    const action = form.get('Action');
    if (action === 'Publish' && req.method === 'POST') {
      return {
        operation: 'Publish',
        params: { topicArn: form.get('TopicArn') ?? form.get('TargetArn') ?? undefined, subject: form.get('Subject') ?? undefined },
        run: (requestId) => {
          const { messageId } = this.model.publish(form);
          return xmlResult(200, `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>`
            + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`);
        },
      };
    }
    return {
      operation: action ?? 'Unknown',
      params: {},
      run: () => {
        if (action === null) {
          throw new ServiceError(400, 'MissingAction', 'Request is missing Action parameter.');
        }
        throw new ServiceError(400, 'InvalidAction', `The action ${action} is not valid for this web service (emulator implements Publish only).`);
      },
    };
  }

  public renderError(err: ServiceError, requestId: string): HttpResult {
    const type = err.status >= 500 ? 'Receiver' : 'Sender';
    return xmlResult(err.status, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${xmlEscape(err.code)}</Code>`
      + `<Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
  }

  /** SNS's modelled throttling error (`Throttled`, 429) parses as ThrottledException; pass 'Throttling' for the generic 400 variant. */
  public throttlingError(code: string = 'Throttled'): ServiceError {
    return new ServiceError(code === 'Throttled' ? 429 : 400, code, 'Rate exceeded');
  }

  public serverError(status: number): ServiceError {
    return status === 503
      ? new ServiceError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.')
      : new ServiceError(500, 'InternalError', 'Internal Error');
  }
}
