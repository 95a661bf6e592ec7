import * as fs from 'fs';

/** A log4j record of the worker: its header line and the lines that follow it (a stack trace, a config dump). */
export interface LogRecord {
  /** Epoch ms of the header's `[%d]` (the worker runs in UTC). */
  readonly at: number;
  readonly lines: string[];
}

const HEADER = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})\] /;

/** Splits the worker's log file into records. */
export function readWorkerLog(file: string): LogRecord[] {
  const records: { at: number; lines: string[] }[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = HEADER.exec(line);
    if (m) {
      const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
      records.push({ at: Date.UTC(y, mo - 1, d, h, mi, s, ms), lines: [line] });
    } else if (line !== '' && records.length > 0) {
      records[records.length - 1].lines.push(line);
    }
  }
  return records;
}

/**
 * Whether a record is about the connector: its MDC context, task ID, config dump or Debezium's
 * server name name it. The name must not go on as a longer name (`orders-a` is not named in
 * `orders-a-b`), though a task number may follow (`orders-a-0`).
 */
export function mentions(record: LogRecord, connectorName: string): boolean {
  const name = new RegExp(`${connectorName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z_]|-[A-Za-z_])`);
  return record.lines.some((l) => name.test(l));
}

/** MSK Connect's delivery: each line of a record is its own event, prefixed with the worker's ID, at the record's time. */
export function asDelivered(record: LogRecord, workerId: string): string[] {
  return record.lines.map((l) => `[Worker-${workerId}] ${l}`);
}
