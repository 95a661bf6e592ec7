/**
 * One run of a fleet's function (`DebeziumGuardFleet`): finds the members that need it, and runs the
 * same reconcile as a single guard's function for each, each with its own lease and record, a bounded
 * number at once. A healthy fleet's tick costs one paginated DescribeAlarms and one paginated Scan:
 * no MSK Connect call, no write.
 */
import { FLEET_STATUS_MESSAGE, MEMBER_SIGNAL } from './constants';
import { drill, type DrillResult } from './drill-run';
import { NoticeDigest } from './fleet-digest';
import type { RecoveryRecord, Settings, TriggerKind } from './model';
import type { Notifier, Ports, Telemetry } from './ports';
import { reconcile, type RunSummary } from './reconcile';
import { logDeliveryAlarmDescription } from '../signals/alarm-text';

/** A member of the fleet: its connector and stored request, as its stall alarm's tags register them. */
export interface FleetMember {
  readonly connectorName: string;
  readonly configBucket: string;
  readonly configKey: string;
  readonly configBucketOwner: string;
  readonly serviceExecutionRoleArn: string;
}

/** How a fleet's run finds its members: a fixed number of AWS calls each, whatever the fleet's size. */
export interface FleetDirectory {
  /** The member alarms in ALARM with their actions enabled (one paginated DescribeAlarms). */
  alarming(): Promise<MemberAlarms>;
  /**
   * Every member's recovery record, with its lease's expiry, and the log-delivery warnings sent (one
   * paginated Scan of the fleet's table).
   */
  state(): Promise<FleetState>;
  /**
   * Records that the member's log-delivery gap that began at `since` was warned of; false when it
   * already was (a conditional write: two runs never both warn).
   */
  claimLogWarning(connectorName: string, since: number): Promise<boolean>;
  /** The member's registration; undefined when the connector's stall alarm does not carry this fleet's tag. */
  member(connectorName: string): Promise<FleetMember | undefined>;
}

/** What the fleet's table holds. */
export interface FleetState {
  readonly records: MemberRecord[];
  /** For each member warned of a log-delivery gap, when that gap began (its offset-commit alarm's transition, ms). */
  readonly logWarnedFor: Record<string, number>;
}

/** What the member alarms in ALARM say, by connector (any guard's, this fleet's or not). */
export interface MemberAlarms {
  /** The connectors with a trigger alarm (stall, tasks, Connected, lag) in ALARM, actions enabled. */
  readonly triggered: string[];
  /** The connectors with a trigger alarm in ALARM whose actions are disabled (paused): not run, not healthy either. */
  readonly paused: string[];
  /** The connectors whose offset-commit alarm is in ALARM, with when it entered ALARM (ms). */
  readonly logsSilentSince: Record<string, number>;
}

/** A member's stored recovery record. */
export interface MemberRecord {
  readonly connector: string;
  readonly record: RecoveryRecord;
  /** When the lease a run holds on it expires (0: none held). */
  readonly leaseUntil: number;
}

/** What one member's run did. */
export interface MemberRun {
  readonly connector: string;
  /** The member's run summary; absent when it failed or the connector is not a member. */
  readonly summary?: RunSummary | DrillResult;
  /** Why nothing was run for it (not a member of this fleet). */
  readonly skipped?: string;
  /** The member's run failed; its error is in the log. */
  readonly failed?: boolean;
  /** Not run: too little of the function's time was left; the next tick runs it. */
  readonly deferred?: boolean;
}

/** What the handler returns for a fleet's run. */
export interface FleetRunSummary {
  readonly outcome: 'FLEET';
  readonly trigger: TriggerKind;
  readonly runs: MemberRun[];
}

export interface FleetRunOptions {
  /** The fleet's settings; each member's run sets its connector's name. */
  readonly settings: Settings;
  readonly trigger: TriggerKind;
  /** The connector an alarm event or a manual action names; undefined for a tick, which finds them. */
  readonly connector?: string;
  readonly runId: string;
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly now: number;
  /** The function's time left (Lambda's `getRemainingTimeInMillis`); unbounded when not given. */
  readonly remainingMs?: () => number;
}

/**
 * The time a member's run may take (SDK retries included), kept free before the function's timeout
 * for the runs under way and the digest: a member is not started with less left, and waits for the
 * next tick instead, so that no run is cut off and no held notice is lost with it.
 */
export const MEMBER_RUN_RESERVE_MS = 40_000;

/** How often a tick logs the members' status lines (`FLEET_STATUS_MESSAGE`), in minutes. */
export const STATUS_EVERY_MINUTES = 5;

/**
 * Runs the members that need it: for a tick, those in flight or in ALARM; otherwise the one connector
 * the event names. One member's failure never stops another's run; the run fails after all of them
 * did theirs, so that the recovery-errors alarm tells a human. Their notices go out as one digest at
 * the end of the run, a CRITICAL one at once (`NoticeDigest`).
 */
export async function fleetRun(
  directory: FleetDirectory, portsFor: (member: FleetMember, notifier: Notifier) => Ports, notifier: Notifier, telemetry: Telemetry,
  options: FleetRunOptions,
): Promise<FleetRunSummary> {
  const digest = new NoticeDigest(notifier);
  const tick = options.connector === undefined ? await tickCandidates(directory, telemetry, options) : undefined;
  const candidates = tick?.candidates ?? [options.connector!];
  const runs = await withConcurrency(candidates, options.concurrency, async (connector): Promise<MemberRun> => {
    if (options.remainingMs && options.remainingMs() < MEMBER_RUN_RESERVE_MS) {
      telemetry.info('too little time left in this run; the next tick runs this member', { connector });
      return { connector, deferred: true };
    }
    try {
      const member = await directory.member(connector);
      if (!member) {
        telemetry.info('not a member of this fleet; nothing done', { connector });
        return { connector, skipped: 'its stall alarm does not carry this fleet\'s tag' };
      }
      const ports = portsFor(member, digest.notifierFor(connector));
      const settings = { ...options.settings, connectorName: connector };
      const summary = options.trigger === 'DRILL'
        ? await drill(ports, { settings, serviceExecutionRoleArn: member.serviceExecutionRoleArn })
        : await reconcile(ports, {
          settings,
          trigger: options.trigger,
          runId: `${options.runId}/${connector}`,
          leaseMs: options.leaseMs,
          serviceExecutionRoleArn: member.serviceExecutionRoleArn,
        });
      return { connector, summary };
    } catch (err) {
      // reconcile and drill throw scrubbed errors; the name and message say what failed.
      telemetry.error('member run failed', { connector, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      return { connector, failed: true };
    }
  });
  for (const { connector, since } of tick?.logsSilent ?? []) {
    // A warning not sent now is sent by a later tick (nothing was claimed): never at the digest's expense.
    if (options.remainingMs && options.remainingMs() < MEMBER_RUN_RESERVE_MS) {
      telemetry.info('too little time left in this run; the next tick warns of this member\'s silent logs', { connector });
      continue;
    }
    await warnLogDelivery(directory, digest, telemetry, connector, since);
  }
  const failed = runs.filter((r) => r.failed).map((r) => r.connector);
  try {
    await digest.flush();
  } catch (err) {
    // The records are saved; the log keeps every notice the digest held, and the failed run makes the
    // recovery-errors alarm tell a human another way.
    digest.pending.forEach((held) => telemetry.error('notification failed', { connector: held.connector, subject: held.subject, body: held.message }));
    throw new Error(`the fleet's digest of ${digest.pending.length} notice(s) could not be sent (${err instanceof Error ? err.name : 'error'}); they are in this function's log`);
  }
  if (failed.length > 0) {
    throw new Error(`the runs of ${failed.length} member(s) failed: ${failed.join(', ')}; their errors are in this function's log`);
  }
  return { outcome: 'FLEET', trigger: options.trigger, runs };
}

/**
 * The members a tick runs: those in flight (not IDLE, or leased) and those with a trigger alarm in
 * ALARM; and the members to warn of a log-delivery gap (`logGapsToWarn`). Every fifth minute the
 * records it reads anyway are logged, one line a member, for the fleet dashboard.
 */
async function tickCandidates(
  directory: FleetDirectory, telemetry: Telemetry, options: FleetRunOptions,
): Promise<{ candidates: string[]; logsSilent: LogGap[] }> {
  const { records, logWarnedFor } = await directory.state();
  // Every fifth minute is enough for the dashboard's table, at a fifth of the log it would cost.
  const statusMinute = Math.floor(options.now / 60_000) % STATUS_EVERY_MINUTES === 0;
  for (const { connector, record } of statusMinute ? records : []) {
    const inWindow = record.attempts.filter((t) => t > options.now - options.settings.budgetWindowMs);
    telemetry.info(FLEET_STATUS_MESSAGE, {
      connector,
      phase: record.phase,
      ...(record.escalation ? { escalation: record.escalation } : {}),
      attemptsInBudgetWindow: inWindow.length,
      ...(record.attempts.length > 0 ? { lastRecoveryAttempt: new Date(Math.max(...record.attempts)).toISOString() } : {}),
    });
  }
  const inFlight = records.filter((r) => r.record.phase !== 'IDLE' || r.leaseUntil > options.now).map((r) => r.connector);
  const alarms = await directory.alarming();
  const candidates = [...new Set([...inFlight, ...alarms.triggered])].sort();
  return { candidates, logsSilent: logGapsToWarn(alarms.logsSilentSince, logWarnedFor, [...candidates, ...alarms.paused]) };
}

/** A member's worker logs silent since `since` (its offset-commit alarm's transition to ALARM, ms). */
export interface LogGap {
  readonly connector: string;
  readonly since: number;
}

/**
 * The members whose offset-commit alarm is in ALARM while none of their trigger alarms is (paused or
 * not) and they are not in flight, not yet warned of this gap (`warnedFor`, kept in the fleet's table).
 * A stall makes the stall alarm fire well before the offset-commit window fills, so a silent log with
 * the stall alarm OK means the connector still polls or writes: the logs are not arriving. A gap that
 * began during a recovery is warned of once the recovery is over, if the logs are still silent.
 */
export function logGapsToWarn(logsSilentSince: Record<string, number>, warnedFor: Record<string, number>, busy: readonly string[]): LogGap[] {
  return Object.entries(logsSilentSince)
    .filter(([connector, since]) => !busy.includes(connector) && warnedFor[connector] !== since)
    .map(([connector, since]) => ({ connector, since }))
    .sort((a, b) => (a.connector < b.connector ? -1 : a.connector > b.connector ? 1 : 0));
}

/** One WARNING in the run's digest for a member's log-delivery gap, once per gap; nothing for a connector of another fleet. */
async function warnLogDelivery(
  directory: FleetDirectory, digest: NoticeDigest, telemetry: Telemetry, connector: string, since: number,
): Promise<void> {
  try {
    if (!await directory.member(connector) || !await directory.claimLogWarning(connector, since)) {
      return;
    }
    telemetry.info('worker logs silent while the connector produces: a log-delivery gap, not acted on', { connector });
    // The single guard's warning alarm's text, with the member's stall alarm telling production.
    await digest.notifierFor(connector).publish(`WARNING: worker logs of ${connector} stopped arriving`,
      logDeliveryAlarmDescription(connector, MEMBER_SIGNAL.STALL), 'WARNING');
  } catch (err) {
    // A warning is not worth failing the run that recovers the others for.
    telemetry.error('log-delivery warning failed', { connector, error: err instanceof Error ? err.name : 'error' });
  }
}

/** Maps `items` with at most `limit` calls of `run` at once, keeping the items' order. */
async function withConcurrency<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
