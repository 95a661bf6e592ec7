import { RECOVERY_METRIC } from './constants';
import { decide } from './decide';
import type { ConfigCheck, ConnectorView, Decision, Observation, RecoveryRecord, Settings, TriggerKind } from './model';
import { recoveryStepFailing } from './notices';
import { LeaseLostError, type Leased, type Ports } from './ports';
import { renderNotice, subjectLine } from './render-notice';
import { compareWithRunning } from './request-drift';
import { configurationValues, configurationValuesOf, describeError, scrubbedError, type ConfigValue } from './safe-error';
import { checkConnectorConfig, workerConfigurationOf } from './stored-request';

/** What one run did, returned by the handler (useful for manual invocations). */
export interface RunSummary {
  readonly outcome: 'ACTED' | 'WAITED' | 'LOCKED';
  readonly phase: string;
  readonly action: string;
  readonly reason: string;
  readonly connectorArn?: string;
  readonly alarmState?: string;
}

export interface RunOptions {
  readonly settings: Settings;
  readonly trigger: TriggerKind;
  /** Identifies this run in the lease (the Lambda request ID). */
  readonly runId: string;
  /** How long the lease protects this run: longer than the function timeout. */
  readonly leaseMs: number;
  /** The only role a stored CreateConnector request may name. */
  readonly serviceExecutionRoleArn: string;
}

/**
 * One reconcile run for one connector: take the lease, observe, decide, act (at most one AWS
 * mutation), persist, notify. Every mutation is preceded by saving its intent, so a run that dies
 * at any point leaves a record from which the next run (the next tick) completes the work.
 */
export async function reconcile(ports: Ports, options: RunOptions): Promise<RunSummary> {
  const { settings, trigger, runId, leaseMs } = options;
  const { telemetry, clock, store } = ports;
  const startedAt = clock.now();
  const lease = await store.acquire(runId, startedAt, leaseMs);
  if (!lease) {
    telemetry.info('another run holds the lease; this run does nothing', { trigger });
    return { outcome: 'LOCKED', phase: 'UNKNOWN', action: 'NONE', reason: 'another run holds the lease' };
  }
  // The record and version as last saved by this run: what a failed run releases.
  let current: Leased = lease;
  // The configuration values this run has read (the stored request, the running connector): no error
  // text leaves the run with one of them in it. A run that read neither sent none to AWS either
  // (only CreateConnector carries a configuration, and it is built from the request read in the same
  // run), so the errors it meets cannot echo one.
  const secrets: ConfigValue[] = [];
  try {
    let observation = await observe(ports, lease.record, settings.connectorName);
    const now = clock.now();
    let decision = decide({ record: lease.record, observation, trigger, settings, now });
    if (decision.action.kind === 'LOAD_CONFIG') {
      observation = { ...observation, config: await loadConfig(ports, options, observation.connector, secrets) };
      decision = decide({ record: lease.record, observation, trigger, settings, now });
    }
    telemetry.info('decision', {
      trigger,
      phase: lease.record.phase,
      nextPhase: decision.record.phase,
      action: decision.action.kind,
      reason: decision.reason,
      connectorState: observation.connector?.state,
      connectorArn: observation.connector?.arn,
      alarmState: observation.alarm.state,
      actionsEnabled: observation.alarm.actionsEnabled,
      configProblems: observation.config?.problems,
    });
    const acted = await act(ports, decision, lease.version, options, secrets, (saved) => { current = saved; });
    const saved = await store.save(acted.record, acted.version, runId, clock.now(), leaseMs, true);
    current = saved;
    await announce(ports, settings, decision, clock.now(), secrets);
    return {
      outcome: decision.action.kind === 'NONE' ? 'WAITED' : 'ACTED',
      phase: saved.record.phase,
      action: decision.action.kind,
      reason: decision.reason,
      connectorArn: observation.connector?.arn,
      alarmState: observation.alarm.state,
    };
  } catch (err) {
    telemetry.error('run failed; the next run continues from the saved record', { error: describeError(err, secrets), phase: current.record.phase });
    await afterFailure(ports, options, current, err, secrets);
    // The Lambda runtime logs what the handler throws (message and stack).
    throw scrubbedError(err, secrets);
  }
}

/**
 * Saves the decision's record as the intent, then performs the action.
 * @returns the record to save when the run ends, and the version to save it at
 */
async function act(
  ports: Ports, decision: Decision, version: number, options: RunOptions, secrets: readonly ConfigValue[], onSaved: (saved: Leased) => void,
): Promise<{ record: RecoveryRecord; version: number }> {
  const { store, clock, connectors } = ports;
  const { action } = decision;
  if (action.kind === 'NONE' || action.kind === 'LOAD_CONFIG') {
    return { record: decision.record, version };
  }
  const intent = await store.save(decision.record, version, options.runId, clock.now(), options.leaseMs, false);
  onSaved(intent);
  switch (action.kind) {
    case 'RESTART': {
      try {
        const operationArn = await connectors.restart(action.connectorArn, action.onlyFailedTasks);
        return { record: { ...decision.record, operationArn }, version: intent.version };
      } catch (err) {
        if (!isRefusal(err)) {
          throw err;
        }
        if (retried(err)) {
          // An earlier attempt of this call may have started the restart (its answer was lost in a 5xx
          // or a timeout), and the retry was refused because of it: follow it as a restart without an
          // operation ARN, which the next runs verify once the connector is RUNNING again.
          ports.telemetry.info('restart refused on a retry; following it as a restart that may have started', { error: describeError(err, secrets) });
          return { record: { ...decision.record, restartUnconfirmed: true }, version: intent.version };
        }
        // Refused at the first attempt (not RUNNING any more, another operation in progress): no restart
        // happened, so it must not be verified as one. Back to IDLE; the attempt counts, so the backoff applies.
        ports.telemetry.info('restart refused; back to IDLE', { error: describeError(err, secrets) });
        return { record: { ...decision.record, phase: 'IDLE', phaseSince: clock.now(), connectorArn: undefined }, version: intent.version };
      }
    }
    case 'DELETE':
      try {
        await connectors.delete(action.connectorArn, action.currentVersion);
      } catch (err) {
        // Refused on a retry: an earlier attempt, whose answer was lost, may have been accepted.
        if (!(isRefusal(err) && retried(err))) {
          throw err;
        }
        ports.telemetry.info('delete refused on a retry; an earlier attempt may have been accepted', { error: describeError(err, secrets) });
      }
      return { record: { ...decision.record, deleteAccepted: true }, version: intent.version };
    case 'CREATE':
      await connectors.create(action.request);
      break;
  }
  return { record: decision.record, version: intent.version };
}

/**
 * After a failed run: release the lease so that the next tick need not wait for it to expire, and,
 * when the connector is being re-created (it may be deleted right now), tell a human once per
 * phase: a create that AWS keeps refusing would otherwise retry every minute in silence.
 */
async function afterFailure(ports: Ports, options: RunOptions, current: Leased, err: unknown, secrets: readonly ConfigValue[]): Promise<void> {
  if (err instanceof LeaseLostError) {
    return; // another run owns the record now
  }
  const { record } = current;
  const critical = (record.phase === 'DELETING' || record.phase === 'CREATING') && !record.slowNoticeSent;
  const next: RecoveryRecord = critical ? { ...record, slowNoticeSent: true } : record;
  try {
    await ports.store.save(next, current.version, options.runId, ports.clock.now(), options.leaseMs, true);
  } catch (saveErr) {
    ports.telemetry.error('could not release the lease; it expires by itself', { error: describeError(saveErr, secrets) });
    return;
  }
  if (critical) {
    // The run already failed; a notice that cannot be sent either is in the log, and the errors alarm fires.
    await announce(ports, options.settings, {
      action: { kind: 'NONE' },
      record: next,
      reason: 'recovery step failed',
      events: [],
      notice: recoveryStepFailing(options.settings, record.phase, describeError(err, secrets)),
    }, ports.clock.now(), secrets).catch(() => undefined);
  }
}

async function observe(ports: Ports, record: RecoveryRecord, connectorName: string): Promise<Observation> {
  const [connector, alarm] = await Promise.all([
    ports.connectors.findByName(connectorName),
    ports.alarm.read(),
  ]);
  const operationState = record.phase === 'RESTARTING' && record.operationArn
    ? await ports.connectors.operationState(record.operationArn)
    : undefined;
  return { connector, alarm, operationState };
}

/**
 * Reads and validates the stored request and, while the connector exists (before a delete), compares
 * the request with it as it runs: the decision refuses to delete when they differ, or when the
 * connector could not be described. The description holds passwords: only the comparison leaves here.
 * The drill reads it the same way. Read-only: it never writes anything.
 */
export async function loadConfig(
  ports: Ports, options: Pick<RunOptions, 'settings' | 'serviceExecutionRoleArn'>, live: ConnectorView | undefined, secrets: ConfigValue[],
): Promise<ConfigCheck> {
  const text = await ports.config.read();
  secrets.push(...configurationValuesOf(text));
  const worker = workerConfigurationOf(text);
  const properties = worker ? await ports.connectors.workerProperties(worker.arn, worker.revision) : undefined;
  const check = checkConnectorConfig(text, {
    connectorName: options.settings.connectorName,
    serviceExecutionRoleArn: options.serviceExecutionRoleArn,
  }, properties, live);
  if (!check.request || live === undefined || live.state === 'DELETING') {
    return check;
  }
  const [running, tags] = await Promise.all([ports.connectors.describe(live.arn), ports.connectors.tags(live.arn)]);
  secrets.push(...configurationValues(running));
  return running && tags ? { ...check, drift: compareWithRunning(check.request, running, tags) } : check;
}

async function announce(ports: Ports, settings: Settings, decision: Decision, now: number, secrets: readonly ConfigValue[]): Promise<void> {
  const dims = { ConnectorName: settings.connectorName };
  for (const event of decision.events) {
    switch (event.kind) {
      case 'STEP_STARTED':
        ports.telemetry.metric(RECOVERY_METRIC.STEP_STARTED, 1, 'Count', { ...dims, Step: event.step });
        break;
      case 'RECOVERED':
        ports.telemetry.metric(RECOVERY_METRIC.RECOVERED, 1, 'Count', dims);
        ports.telemetry.metric(RECOVERY_METRIC.TIME_TO_RECOVER, event.seconds, 'Seconds', dims);
        break;
      case 'ESCALATED':
        ports.telemetry.metric(RECOVERY_METRIC.ESCALATED, 1, 'Count', dims);
        break;
    }
  }
  if (decision.notice) {
    const body = renderNotice(decision.notice, { connectorName: settings.connectorName, record: decision.record, now });
    try {
      await ports.notifier.publish(subjectLine(decision.notice.subject), body, decision.notice.severity);
    } catch (err) {
      // The state is saved; a lost e-mail must not undo a recovery step. The log keeps the text, and a
      // CRITICAL one or an escalation (after which the guard stops acting) fails the run, so that the
      // recovery-errors alarm tells a human another way.
      ports.telemetry.error('notification failed', { error: describeError(err, secrets), subject: decision.notice.subject, body });
      if (decision.notice.severity === 'CRITICAL' || decision.events.some((e) => e.kind === 'ESCALATED')) {
        throw err;
      }
    }
  }
}

/** A 4xx from MSK Connect that means the call was refused, not that it may have happened. */
function isRefusal(err: unknown): boolean {
  return err instanceof Error && (err.name === 'BadRequestException' || err.name === 'ConflictException');
}

/** True when the SDK made more than one attempt before this error: an earlier attempt may have taken effect. */
function retried(err: unknown): boolean {
  const attempts = (err as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1;
}
