/**
 * `{"action":"drill"}`: observes what a real recovery would observe, read-only (no lease, no record
 * written, no restart, delete or create), asks the decision core what it would do (decide/drill.ts),
 * sends one notice saying so, and returns the same report for scripts.
 */
import { DRILL_COMMIT_WINDOW_MS, mayRecreate } from './constants';
import { COMMITS_CHECK, drillReport, type DrillInput, type Observed } from './decide/drill';
import type { DrillReport, DrillOutcome } from './model';
import { drillReportNotice } from './notices';
import type { Ports } from './ports';
import { loadConfig, type RunOptions } from './reconcile';
import { renderNotice, subjectLine } from './render-notice';
import { describeError, scrubbedError, type ConfigValue } from './safe-error';

/** What the handler returns for a drill: the report, with the fields every run's summary has. */
export interface DrillResult extends DrillReport {
  readonly outcome: 'DRILL';
  /** What a real recovery would do now (the verdict's outcome). */
  readonly drill: DrillOutcome;
  readonly reason: string;
  /** The guard's phase as stored (the drill does not change it). */
  readonly phase: string;
  readonly connectorArn?: string;
  readonly alarmState?: string;
}

/** The checks this version of the drill does not make: the function holds no permission for them. */
export const DRILL_NOT_CHECKED: DrillInput['notChecked'] = [
  { check: 'permissions of the strategy', why: 'not checked: the function may not simulate its own role (iam:SimulatePrincipalPolicy)' },
];

/** What the drill needs to know besides the ports. */
export interface DrillOptions extends Pick<RunOptions, 'settings' | 'serviceExecutionRoleArn'> {
  /** The composite alarm whose change to ALARM an EventBridge rule must turn into a recovery; absent for a fleet (its tick starts it). */
  readonly alarmName?: string;
}

export async function drill(ports: Ports, options: DrillOptions): Promise<DrillResult> {
  const { settings } = options;
  const { connectors, telemetry, clock } = ports;
  // Values of the stored request and the running connector this drill read: no error text carries one.
  const secrets: ConfigValue[] = [];
  const attempt = async <T>(read: () => Promise<T>): Promise<Observed<T>> => {
    try {
      return { value: await read() };
    } catch (err) {
      return { error: describeError(err, secrets) };
    }
  };
  try {
    const record = await ports.store.peek();
    const [connector, alarm] = await Promise.all([attempt(() => connectors.findByName(settings.connectorName)), attempt(() => ports.alarm.read())]);
    const operationArn = record.phase === 'RESTARTING' ? record.operationArn : undefined;
    const operation = operationArn ? await attempt(() => connectors.operationState(operationArn)) : undefined;
    let config: DrillInput['config'];
    if (!mayRecreate(settings.strategy)) {
      config = { skipped: `not checked: the ${settings.strategy} strategy never re-creates, so its role may not read the stored request` };
    } else if ('error' in connector) {
      config = { skipped: 'not checked: the connector could not be looked up' };
    } else {
      const live = connector.value;
      config = await attempt(() => loadConfig(ports, options, live, secrets));
    }
    const now = clock.now();
    const counter = ports.offsetCommits;
    const commits = counter ? await attempt(() => counter.count(now - DRILL_COMMIT_WINDOW_MS, now)) : undefined;
    const ruleReader = ports.rules;
    const rules = ruleReader ? await attempt(() => ruleReader.targets()) : undefined;
    const report = drillReport({
      settings,
      record,
      now,
      connector,
      alarm,
      ...(operation && 'value' in operation && operation.value !== undefined ? { operationState: operation.value } : {}),
      config,
      ...(commits ? { commits } : {}),
      ...(rules ? { rules } : {}),
      ...(options.alarmName !== undefined ? { alarmName: options.alarmName } : {}),
      notChecked: counter ? DRILL_NOT_CHECKED : [...DRILL_NOT_CHECKED, {
        check: COMMITS_CHECK, why: 'not checked: this run has no access to the offset-commit metric',
      }],
    });
    telemetry.info('drill', {
      drill: report.verdict.outcome,
      reason: report.verdict.because,
      ifRestartDoesNotHelp: report.ifRestartDoesNotHelp?.outcome,
      checks: Object.fromEntries(report.checks.map((c) => [c.check, c.status])),
    });
    const notice = drillReportNotice(settings, report);
    const body = renderNotice(notice, { connectorName: settings.connectorName, record, now });
    await ports.notifier.publish(subjectLine(notice.subject), body, notice.severity);
    return {
      outcome: 'DRILL',
      drill: report.verdict.outcome,
      reason: report.verdict.because,
      phase: record.phase,
      ...report,
      ...('value' in connector && connector.value ? { connectorArn: connector.value.arn } : {}),
      ...('value' in alarm ? { alarmState: alarm.value.state } : {}),
    };
  } catch (err) {
    telemetry.error('drill failed', { error: describeError(err, secrets) });
    throw scrubbedError(err, secrets);
  }
}
