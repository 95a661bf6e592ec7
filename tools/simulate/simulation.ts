import { ConnectorActor } from './connector-actor';
import { guardAlarms } from './guard-alarms';
import { Monitor, shortName } from './monitor';
import type { TimingProfile } from './profiles';
import { Rng } from './rng';
import type { FailureKind, Scenario } from './scenarios';
import { SignalStore } from './signal-store';
import { FakeClock } from '../emulator';
import { GuardWorld } from './world';
import { KafkaConnectVersion } from '../../src/kafka-connect-version';

export interface SimulationOptions {
  readonly profile: TimingProfile;
  readonly scenario: Scenario;
  readonly seed: number;
  /** Simulated duration (ms). */
  readonly durationMs: number;
  /** Simulated ms per wall ms; 0 runs as fast as possible. */
  readonly compression: number;
  readonly kafkaConnectVersion: '2.7.1' | '3.7.x';
  /** Receives each timeline line as it happens; omit for a silent run. */
  readonly print?: (line: string) => void;
  /** Polled every step: true stops the run (Ctrl+C). */
  readonly interrupted?: () => boolean;
  /** The wall clock the run is paced against (tests pass a fake one). Default: the real one. */
  readonly wall?: WallClock;
}

/** Wall time (ms) and sleeping, for pacing a compressed run. */
export interface WallClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_WALL: WallClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface IncidentReport {
  readonly id: number;
  readonly kind: FailureKind;
  readonly failedAt: number;
  detectedAt?: number;
  recoveredAt?: number;
  /** What the recovery function did: restart, delete, create. */
  readonly actions: string[];
  readonly offsetBefore: number;
  offsetAfter?: number;
  /** Healed by itself before anyone acted (flapping). */
  selfHealed?: boolean;
  /** Still being handled when the run was interrupted (Ctrl+C). */
  interrupted?: boolean;
}

export interface SimulationReport {
  readonly profile: string;
  readonly scenario: string;
  readonly seed: number;
  /** The simulated clock's time at 00:00 of the timeline (ms since the epoch). */
  readonly startedAt: number;
  readonly simulatedMs: number;
  readonly incidents: IncidentReport[];
  /** Composite alarms that fired while no failure was injected (idle without heartbeats, say). */
  readonly falseAlarms: number;
  /** Recovery actions taken outside any incident. */
  readonly actionsOutsideIncidents: string[];
  /** Notification subjects, in order. */
  readonly notices: string[];
  /** Notifications of the warning alarms (the log-delivery gap), in order: CloudWatch sends them, not the recovery function. */
  readonly warnings: string[];
  /** The composite alarm's own notifications to the topic (CloudWatch sends one on ALARM and on OK), with their times. */
  readonly alarmNotices: string[];
  /** Worker-log delivery outages injected (not incidents: the connector keeps producing). */
  readonly logGaps: { readonly startedAt: number; readonly endedAt: number; warnedAt?: number }[];
  /** Broken invariants (connector left deleted, offsets lost without opt-in). */
  readonly violations: string[];
  readonly interrupted: boolean;
}

const NAME = 'orders-cdc';
const START = Date.UTC(2026, 10, 28, 20, 4, 0);

/**
 * Runs the connector, the monitor and the recovery together on one simulated clock: the
 * connector (actor) produces and fails, the monitor evaluates the guard's synthesized alarms on
 * what was published, and the real bundled recovery function acts through the real SDK clients
 * against the emulator, woken by the composite alarm and by the reconcile tick.
 */
export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const { profile, scenario } = options;
  const print = options.print ?? (() => undefined);
  // Two streams: failures (times and kinds) do not depend on anything the recovery does, so that two
  // runs with the same seed (the guard's and the seed approach's) face the same incidents.
  const rng = new Rng(options.seed);
  const traffic = new Rng(options.seed + 1);
  const version = options.kafkaConnectVersion === '2.7.1' ? KafkaConnectVersion.V2_7_1 : KafkaConnectVersion.V3_7_X;
  const { composite, warnings: warningAlarms, alarms, metricFilters } = guardAlarms(NAME, version, profile.guardProps, profile.trigger);
  const signals = new SignalStore();
  const monitor = new Monitor(alarms, metricFilters, signals, composite, warningAlarms);
  // The clock starts early enough to give every alarm a healthy history before the run starts.
  const warmUpMs = Math.ceil(monitor.horizonMs / profile.stepMs) * profile.stepMs;
  const clock = new FakeClock(START - warmUpMs);
  const world = await GuardWorld.start({
    clock,
    connectorName: NAME,
    seed: `sim-${options.seed}`,
    durations: profile.durations,
    ...profile.recovery,
  });
  const { kafkaconnect, faults } = world.emulator;
  const actor = new ConnectorActor(NAME, kafkaconnect, signals, {
    version: options.kafkaConnectVersion,
    flushIntervalMs: profile.flushIntervalMs,
    reportEveryMs: profile.reportEveryMs,
    heartbeatIntervalMs: profile.heartbeatIntervalMs,
    idle: scenario.idle,
    heartbeats: scenario.heartbeats,
    records: () => Math.round(traffic.between(40, 180)),
    trickleGap: scenario.trickle
      ? () => Math.round(traffic.between(profile.trickleGapMs[0], profile.trickleGapMs[1]) / profile.stepMs) * profile.stepMs
      : undefined,
    crashLoop: profile.crashLoop,
  });

  for (let t = START - warmUpMs; t < START; t += profile.stepMs) {
    clock.set(t);
    actor.step(t);
  }

  const t0 = START;
  const stamp = (time: number) => formatOffset(time - t0);
  const line = (time: number, who: string, text: string) => print(`${stamp(time)} [${who.padEnd(9)}] ${text}`);
  const incidents: IncidentReport[] = [];
  const violations: string[] = [];
  const warnings: string[] = [];
  const alarmNotices: string[] = [];
  const logGaps: SimulationReport['logGaps'][number][] = [];
  let falseAlarms = 0;
  const actionsOutsideIncidents: string[] = [];
  let seenRequests = 0;
  let seenNotices = 0;
  let nextFailureAt = failureGap(rng, profile);
  let healAt: number | undefined;
  let lastTick = 0;
  // Failures are injected during the first 70% of the run; the rest lets the last incident finish.
  const injectUntil = options.durationMs * 0.7;
  const hardStop = options.durationMs + 3 * profile.failureGapMs[1];
  let interrupted = false;
  let current: IncidentReport | undefined;
  const wall = options.wall ?? REAL_WALL;
  const wallStart = wall.now();

  try {
    for (let elapsed = 0; ; elapsed += profile.stepMs) {
      if (options.interrupted?.()) {
        interrupted = true;
        if (current && current.recoveredAt === undefined && !current.selfHealed) {
          current.interrupted = true;
        }
        break;
      }
      const inFlight = current !== undefined && current.recoveredAt === undefined && !current.selfHealed;
      if ((elapsed >= options.durationMs && !inFlight) || elapsed >= hardStop) {
        break;
      }
      clock.set(t0 + elapsed);
      const now = clock.now();

      // 1. The connector: maybe fail, then produce (or not).
      const inLogGap = logGaps.length > 0 && now < logGaps[logGaps.length - 1].endedAt;
      const due = elapsed >= nextFailureAt && elapsed < injectUntil;
      if (scenario.failures.length > 0 && !current && !inLogGap && due && kafkaconnect.isProcessing(NAME)) {
        const kind = rng.pick(scenario.failures);
        if (kind === 'log-delivery-gap') {
          logGaps.push({ startedAt: now, endedAt: now + profile.logGapMs });
          actor.loseLogs(now + profile.logGapMs);
          nextFailureAt = elapsed + profile.logGapMs + failureGap(rng, profile);
          line(now, 'Connector', `LOG DELIVERY GAP! worker log lines stop arriving for ${formatDuration(profile.logGapMs)}; the connector keeps producing | API status: RUNNING`);
        } else {
          current = { id: incidents.length + 1, kind, failedAt: now, actions: [], offsetBefore: kafkaconnect.committedOffset(NAME) };
          incidents.push(current);
          actor.fail(kind, now);
          nextFailureAt = elapsed + failureGap(rng, profile);
          if (kind === 'restart-does-not-help') {
            faults.restartDoesNotHelp(NAME);
          }
          healAt = kind === 'flapping' ? now + profile.flapMs : undefined;
          line(now, 'Connector', `${describeFailure(kind)} | API status: ${kafkaconnect.connector(NAME)?.state}`);
        }
      }
      if (healAt !== undefined && now >= healAt) {
        healAt = undefined;
        actor.heal();
      }
      for (const e of actor.step(now)) {
        line(e.time, 'Connector', e.text);
      }

      // 2. The monitor: the guard's alarms over what was published.
      const result = monitor.evaluate(now);
      if (result.changed) {
        world.setAlarm(result.composite === 'ALARM' ? 'ALARM' : 'OK');
        alarmNotices.push(`${stamp(now)} ${result.composite === 'ALARM' ? 'ALARM' : 'OK'}: "${NAME}-debezium-guard" (CloudWatch, to the topic)`);
        if (result.composite === 'ALARM') {
          line(now, 'Monitor', `ALARM! ${result.alarming.join(', ')} -> composite alarm -> EventBridge -> Lambda`);
          if (current && current.detectedAt === undefined && current.recoveredAt === undefined) {
            current.detectedAt = now;
          } else if (!current) {
            falseAlarms += 1;
          }
        } else {
          line(now, 'Monitor', 'OK -> alarm cleared');
        }
      }
      for (const w of result.warnings.filter((x) => x.changed && x.state !== 'INSUFFICIENT_DATA')) {
        const subject = warningSubject(w.logicalId, w.state === 'ALARM');
        warnings.push(subject);
        line(now, 'Monitor', `${w.state === 'ALARM' ? 'WARNING' : 'OK'}: ${shortName(w.logicalId)} -> SNS only (never the recovery)`);
        line(now, 'SNS', subject);
        const gap = logGaps[logGaps.length - 1];
        if (w.state === 'ALARM' && gap && gap.warnedAt === undefined && now >= gap.startedAt) {
          gap.warnedAt = now;
        }
      }

      // 3. The recovery function: on the alarm event, and on the reconcile tick.
      const invocations: Promise<unknown>[] = [];
      if (result.changed && result.composite === 'ALARM') {
        invocations.push(world.onAlarm());
      }
      if (elapsed - lastTick >= profile.reconcileEveryMs) {
        lastTick = elapsed;
        invocations.push(world.tick());
      }
      for (const r of await Promise.all(invocations) as { outcome: string; action?: string; reason: string }[]) {
        if (r.outcome === 'ACTED') {
          line(now, 'Lambda', `${r.action}: ${r.reason}`);
        }
      }
      const requests = world.emulator.requests.entries;
      for (; seenRequests < requests.length; seenRequests++) {
        const req = requests[seenRequests];
        if (req.service === 'kafkaconnect' && req.status === 200 && ['RestartConnector', 'DeleteConnector', 'CreateConnector'].includes(req.operation)) {
          const action = req.operation.replace('Connector', '').toLowerCase();
          if (current && current.recoveredAt === undefined) {
            current.actions.push(action);
          } else {
            actionsOutsideIncidents.push(action);
          }
        }
      }
      const notices = world.notices();
      for (; seenNotices < notices.length; seenNotices++) {
        line(now, 'SNS', notices[seenNotices].subject ?? '');
      }

      // 4. Book-keeping: is the incident over?
      if (current && kafkaconnect.isProcessing(NAME) && !actor.looping) {
        if (current.actions.length === 0 && current.detectedAt === undefined) {
          current.selfHealed = true;
        } else {
          current.recoveredAt = now;
          current.offsetAfter = kafkaconnect.committedOffset(NAME);
          const summary = current.actions.join(' -> ');
          line(now, 'Summary', `incident #${current.id} recovered in ${formatDuration(now - current.failedAt)} (${summary || 'no action'})`);
          if (current.offsetAfter < current.offsetBefore && !profile.recovery.allowOffsetReset) {
            violations.push(`incident #${current.id}: committed offsets went from ${current.offsetBefore} to ${current.offsetAfter} without allowOffsetReset`);
          }
        }
        current = undefined;
        // Leave the guard time to see the recovery through before the next failure.
        nextFailureAt = Math.max(nextFailureAt, elapsed + profile.failureGapMs[0] / 2);
      }
      signals.forgetBefore(now - 2 * monitor.horizonMs);
      if (options.compression > 0) {
        // Paced against the start, not step by step: time spent computing a step is not added on top,
        // so a busy machine does not stretch the run (it only catches up, never sleeps ahead).
        const wait = wallStart + (elapsed + profile.stepMs) / options.compression - wall.now();
        if (wait > 0) {
          await wall.sleep(wait);
        }
      }
    }
    if (!kafkaconnect.connector(NAME) && !interrupted) {
      violations.push('the connector was left deleted');
    }
    if (logGaps.length > 0 && actionsOutsideIncidents.length > 0) {
      violations.push(`the guard acted (${actionsOutsideIncidents.join(', ')}) while only the worker logs were missing`);
    }
    return {
      profile: profile.name,
      scenario: scenario.name,
      seed: options.seed,
      startedAt: t0,
      simulatedMs: clock.now() - t0,
      incidents,
      falseAlarms,
      actionsOutsideIncidents,
      notices: world.notices().map((n) => n.subject ?? ''),
      warnings,
      alarmNotices,
      logGaps,
      violations,
      interrupted,
    };
  } finally {
    await world.stop();
  }
}

function failureGap(rng: Rng, profile: TimingProfile): number {
  return Math.round(rng.between(profile.failureGapMs[0], profile.failureGapMs[1]) / profile.stepMs) * profile.stepMs;
}

/** The subject CloudWatch's notification of a warning alarm carries, as the timeline shows it. */
function warningSubject(logicalId: string, alarm: boolean): string {
  if (/^GuardLogDeliveryAlarm/.test(logicalId)) {
    return alarm
      ? `[WARNING] ${NAME}: worker logs stopped arriving; the connector is producing (not an incident: no action)`
      : `[OK] ${NAME}: worker logs arriving again`;
  }
  return `[${alarm ? 'WARNING' : 'OK'}] ${NAME}: ${shortName(logicalId)}`;
}

function describeFailure(kind: FailureKind): string {
  switch (kind) {
    case 'silent-stop': return 'SILENT FAILURE! stops reading, Connected stays 1, no error logged';
    case 'connected-drop': return 'SILENT FAILURE! source connection lost, Connected=0';
    case 'failed-task': return 'TASK FAILED! ErroredTaskCount=1';
    case 'restart-does-not-help': return 'SILENT FAILURE! (one a restart will not fix)';
    case 'flapping': return 'short stall (heals by itself)';
    case 'crash-loop': return 'TASK FAILED! it will come back by itself, and fail again (crash loop)';
    case 'log-delivery-gap': return 'LOG DELIVERY GAP!';
  }
}

/** `mm:ss` (or `h:mm:ss`) of simulated time. */
export function formatOffset(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** `12 s`, `4 min 30 s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) {
    return `${s} s`;
  }
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
