/**
 * Monthly cost of one quick-start guard from public unit prices (us-east-1, checked 2026-11;
 * the free tiers, shared by the whole account, are left out so the figure is an upper bound).
 */
const TICKS_PER_MONTH = 30 * 24 * 60; // the one-minute reconcile tick

const PRICE = {
  /** CloudWatch standard-resolution metric alarm, per alarm-month. */
  metricAlarm: 0.10,
  /** CloudWatch composite alarm, per alarm-month. */
  compositeAlarm: 0.50,
  /** CloudWatch custom metric (the metric filter's), per metric-month. */
  customMetric: 0.30,
  /** CloudWatch API requests (DescribeAlarms), per 1,000. */
  apiPer1000: 0.01,
  /** Lambda arm64, per GB-second, and per million requests. */
  lambdaGbSecond: 0.0000133334,
  lambdaPerMillion: 0.20,
  /** DynamoDB on demand, per million write and read request units. */
  ddbWritePerMillion: 0.625,
  ddbReadPerMillion: 0.125,
  /** CloudWatch Logs ingestion, per GB. */
  logsPerGb: 0.50,
} as const;

export interface CostRow {
  readonly item: string;
  readonly usd: number;
}

/**
 * @param idleRunMs a tick's duration when nothing happens (reads only), measured against the emulator: ~100 ms
 */
export function monthlyCost(idleRunMs = 100): CostRow[] {
  const gbSeconds = TICKS_PER_MONTH * (idleRunMs / 1000) * 0.25; // 256 MB
  const rows: CostRow[] = [
    // A metric-math alarm is billed per metric it reads: no-production reads two.
    { item: '7 metric alarms, 8 metrics (offset commits and gap, no production x2, 2 task health, crash loop, recovery errors)', usd: 8 * PRICE.metricAlarm },
    { item: '2 composite alarms (the trigger, the log-delivery warning)', usd: 2 * PRICE.compositeAlarm },
    { item: '1 custom metric (offset commits, from the metric filter)', usd: PRICE.customMetric },
    { item: `Lambda: ${TICKS_PER_MONTH} ticks x ${idleRunMs} ms x 256 MB, arm64`, usd: gbSeconds * PRICE.lambdaGbSecond + TICKS_PER_MONTH / 1e6 * PRICE.lambdaPerMillion },
    { item: 'DynamoDB: 2 writes + 1 read per tick, on demand', usd: TICKS_PER_MONTH * (2 * PRICE.ddbWritePerMillion + PRICE.ddbReadPerMillion) / 1e6 },
    { item: 'CloudWatch API: 1 DescribeAlarms per tick', usd: TICKS_PER_MONTH / 1000 * PRICE.apiPer1000 },
    { item: 'CloudWatch Logs: ~1 KB of decision log per tick', usd: TICKS_PER_MONTH * 1024 / 1024 ** 3 * PRICE.logsPerGb },
  ];
  rows.push({ item: 'total (optional Connected/lag alarms add 0.10 each)', usd: rows.reduce((a, r) => a + r.usd, 0) });
  return rows;
}

/** The metrics a fleet member's alarms read: offset commits; stall (commits, polled, written); tasks (errored, running). */
export const FLEET_MEMBER_ALARM_METRICS = 6;

/** The most a connector added to a fleet may cost a month (the fleet issue's target). */
export const FLEET_MEMBER_TARGET_USD = 1.0;

/**
 * Monthly cost of one connector added to a fleet: its own alarms and custom metric. The fleet's tick
 * is shared: its cost is the fleet's, whatever its size (`fleetMonthlyCost`).
 */
export function fleetMemberMonthlyCost(): CostRow[] {
  const rows: CostRow[] = [
    { item: `3 metric alarms, ${FLEET_MEMBER_ALARM_METRICS} metrics (offset commits; stall: commits, polled, written; tasks: errored, running)`, usd: FLEET_MEMBER_ALARM_METRICS * PRICE.metricAlarm },
    { item: '0 composite alarms (the fleet\'s function reads the member\'s alarms)', usd: 0 },
    { item: '1 custom metric (offset commits, from the metric filter)', usd: PRICE.customMetric },
  ];
  rows.push({ item: 'total per connector added to a fleet (optional Connected/lag alarms add 0.10 each)', usd: rows.reduce((a, r) => a + r.usd, 0) });
  return rows;
}

/**
 * Monthly cost of a fleet's shared tick when every member is healthy: one DescribeAlarms, one Scan
 * (eventually consistent reads of the records: `recordKb` KB in all), one short Lambda run.
 * @param recordsKb the size of all records the Scan reads
 * @param members the members with a record: every fifth tick logs one status line (~250 bytes) for each
 */
export function fleetMonthlyCost(idleRunMs: number, recordsKb: number, members: number): CostRow[] {
  const gbSeconds = TICKS_PER_MONTH * (idleRunMs / 1000) * 0.25;
  // A consistent Scan consumes one read unit per 4 KB read (at least one).
  const readUnits = Math.max(1, Math.ceil(recordsKb / 4));
  const rows: CostRow[] = [
    { item: `Lambda: ${TICKS_PER_MONTH} ticks x ${idleRunMs} ms x 256 MB, arm64`, usd: gbSeconds * PRICE.lambdaGbSecond + TICKS_PER_MONTH / 1e6 * PRICE.lambdaPerMillion },
    { item: `DynamoDB: 1 consistent Scan per tick (${readUnits} read unit(s)), no write`, usd: TICKS_PER_MONTH * readUnits * PRICE.ddbReadPerMillion / 1e6 },
    { item: 'CloudWatch API: 1 DescribeAlarms per tick', usd: TICKS_PER_MONTH / 1000 * PRICE.apiPer1000 },
    { item: `CloudWatch Logs: ${members} status lines of ~250 B every 5th tick (the dashboard's table)`, usd: TICKS_PER_MONTH / 5 * members * 250 / 1024 ** 3 * PRICE.logsPerGb },
  ];
  rows.push({ item: `total per fleet of ${members}`, usd: rows.reduce((a, r) => a + r.usd, 0) });
  return rows;
}
