import type { LogParams, ServiceName } from './wire';

/** How a call ended: an HTTP status, or what the `onRequest` hook did to it. 'pending' while in flight. */
export type RequestStatus = number | 'pending' | 'dropped' | 'hung';

/** One call seen by the emulator. */
export interface RequestRecord {
  /** 1-based arrival order (keeps counting across `clear()`). */
  readonly seq: number;
  /** Emulator clock time at arrival (ms). */
  readonly time: number;
  readonly service: ServiceName | 'unknown';
  readonly operation: string;
  /** Key parameters (connector ARN/name, bucket/key, topic, table...). */
  readonly params: LogParams;
  status: RequestStatus;
  /** Error code returned, when the call failed with a service error. */
  errorCode?: string;
  /** Set when the outcome came from fault injection rather than the model. */
  injected?: 'throttle' | 'server-error' | 'reject' | 'hook';
  /** The request ID the emulator answered with (`x-amzn-requestid`), when it routed the call to a service. */
  readonly requestId?: string;
  /** Message of an unexpected exception inside the emulator (answered as a 500); should never be set. */
  emulatorBug?: string;
}

/** Append-only log of every call, in arrival order. */
export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private nextSeq = 1;

  public get entries(): readonly RequestRecord[] {
    return this.records;
  }

  /** Records for one service, optionally one operation. */
  public of(service: ServiceName, operation?: string): RequestRecord[] {
    return this.records.filter(r => r.service === service && (operation === undefined || r.operation === operation));
  }

  /** `"service:Operation"` strings in arrival order, e.g. `['kafkaconnect:DescribeConnector', ...]`. */
  public calls(): string[] {
    return this.records.map(r => `${r.service}:${r.operation}`);
  }

  public clear(): void {
    this.records.length = 0;
  }

  /** @internal */
  public add(record: Omit<RequestRecord, 'seq'>): RequestRecord {
    const full: RequestRecord = { seq: this.nextSeq++, ...record };
    this.records.push(full);
    return full;
  }
}
