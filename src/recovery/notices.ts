/**
 * What the guard tells the humans on its topic: one builder per notice, named for what it says. The
 * decision core (`decide/`) chooses which one; `render-notice.ts` lays it out as an e-mail. Texts
 * only, no rule. A notice never carries a value of the connector's configuration (key names only).
 */
import { minutes } from './duration';
import type {
  Action, ConnectorView, Decision, DrillReport, DrillVerdict, Incident, Notice, Observation, Phase, RecoveryRecord, RevertRisk, Settings, Severity,
} from './model';

/** An escalation to a human: its reason (the record's `escalation`, the log's reason, the subject) and its notice. */
export interface Escalation {
  readonly reason: string;
  readonly notice: Notice;
}

function notice(settings: Settings, severity: Severity, subject: string, seen: string, done: string, next: string): Notice {
  return { severity, subject: `[${severity}] ${settings.connectorName}: ${subject}`, seen, done, next };
}

function needsHuman(
  settings: Settings, reason: string, seen: string, done: string, next: string, severity: 'WARNING' | 'CRITICAL' = 'WARNING',
): Escalation {
  return { reason, notice: notice(settings, severity, `needs a human: ${reason}`, seen, done, next) };
}

/** Sent once per phase, when an operation outlasts the operation timeout. */
function takingLonger(settings: Settings, seen: string, done: string, next: string): Notice {
  return notice(settings, 'WARNING', 'recovery taking longer than expected', seen, done, next);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// IDLE: an alarm the guard does not act on.

export function inMaintenance(settings: Settings): Notice {
  return notice(settings, 'WARNING', 'alarm in maintenance, not recovering',
    'The guard\'s alarm is in ALARM, but its actions are disabled (the maintenance switch).',
    'Nothing: the guard does not act while alarm actions are disabled.',
    'When maintenance is over, enable the alarm actions again (`aws cloudwatch enable-alarm-actions`); the guard then acts on the next check.');
}

export function noConnectorNamed(settings: Settings): Escalation {
  return needsHuman(settings, 'no connector has exactly the guarded name',
    `No MSK Connect connector named "${settings.connectorName}" exists, and the guard did not delete one.`,
    'Nothing: the guard only re-creates connectors it deleted itself.',
    'Create the connector (or correct the guard\'s connector name), then reset the guard with `{"action":"reset"}`.');
}

export function connectorPaused(settings: Settings): Notice {
  return notice(settings, 'WARNING', 'connector paused, not recovering',
    'The alarm is in ALARM and the connector is PAUSED.',
    'Nothing: a paused connector is left to whoever paused it.',
    'Resume the connector (`aws kafkaconnect resume-connector`) when it should run again.');
}

export function stateNotHandled(settings: Settings, state: string): Escalation {
  return needsHuman(settings, `connector state ${state} is not one the guard knows how to handle`,
    `The alarm is in ALARM and MSK Connect reports the connector as ${state}.`,
    'Nothing: the guard only restarts a RUNNING connector and re-creates a FAILED one.',
    'Check the connector in the MSK console; when it is RUNNING or FAILED again, reset the guard with `{"action":"reset"}`.');
}

export function notifyOnly(settings: Settings, connector: ConnectorView): Notice {
  return notice(settings, 'WARNING', 'silent failure suspected (notify-only)',
    `The alarm is in ALARM; the connector reports ${connector.state}.`,
    'Nothing: the guard runs in notify-only mode.',
    `Investigate the connector; to recover it in place run \`aws kafkaconnect restart-connector --connector-arn ${connector.arn}\`.`);
}

export function restartOnlyCannotRestart(settings: Settings, state: string): Escalation {
  return needsHuman(settings, `connector is ${state} and the restart-only strategy cannot restart it`,
    `The connector is ${state}. RestartConnector only works on a RUNNING connector.`,
    'Nothing: the strategy is restart-only, so the guard does not re-create connectors.',
    settings.cloudFormationManaged
      ? 'Inspect the worker logs and fix the cause; then replace the connector through the CloudFormation stack that manages it (never by hand: the stack would lose track of it), and reset the guard.'
      : 'Inspect the worker logs, fix the cause, and re-create or update the connector; then reset the guard.');
}

// The recovery budget, used up in ALARM or by a failed step; `until` is when the guard acts again.

export function budgetUsedUpInAlarm(settings: Settings, attempts: number, until: number): Escalation {
  return budgetUsedUp(settings, until, `recovery budget exhausted (${attempts} attempts in the window)`,
    `The alarm is still in ALARM after ${attempts} recovery attempts within ${minutes(settings.budgetWindowMs)}.`);
}

/** `what` says how the step failed, as a sentence without its capital and full stop. */
export function budgetUsedUpAfterStep(settings: Settings, what: string, until: number): Escalation {
  return budgetUsedUp(settings, until, `${what}; budget exhausted`,
    `${capitalise(what)}, and the recovery budget (${settings.budget} per ${minutes(settings.budgetWindowMs)}) is used up.`);
}

function budgetUsedUp(settings: Settings, until: number, reason: string, seen: string): Escalation {
  return needsHuman(settings, reason, seen,
    `Stopped acting: the recovery budget (${settings.budget} per ${minutes(settings.budgetWindowMs)}) is used up. No further notice until ${new Date(until).toISOString()}, whatever the alarm does; the guard acts again from then.`,
    'Find out why the recovery steps do not help (worker logs, source database, network). '
    + 'A reset does not restore the budget: to act before then, restart the connector by hand (`aws kafkaconnect restart-connector`).');
}

// RESTARTING and VERIFYING.

export function connectorGoneDuringRestart(settings: Settings): Escalation {
  return needsHuman(settings, 'connector disappeared during a restart',
    'The connector no longer exists; someone deleted it while the guard was restarting it.',
    'Stopped acting: the guard only re-creates connectors it deleted itself.',
    'Re-create the connector, then reset the guard with `{"action":"reset"}`.');
}

export function preventiveRestartIncomplete(settings: Settings, what: string): Notice {
  return notice(settings, 'WARNING', 'preventive restart did not complete',
    `${capitalise(what)}.`, 'Nothing more: a preventive restart never falls back to a recreate.',
    'Check the connector; the alarms still guard it.');
}

/** The alarm is OK again `seconds` after the incident's first step. */
export function recovered(settings: Settings, incident: Incident | undefined, seconds: number): Notice {
  const masked = incident?.uncompared?.length
    ? ` DescribeConnector masked ${incident.uncompared.join(', ')}, so for those keys the guard compared only their presence with the stored request, not their values.`
    : '';
  const how = `Recovered by ${(incident?.steps ?? []).join(' then ') || 'no action'}; the alarm is OK again ${seconds} s after the first step.${masked}`;
  // A recreate allowed to lose the committed offsets is not a plain recovery: the data downstream needs a look.
  return incident?.offsetsReset
    ? notice(settings, 'WARNING', 'connector recovered, committed offsets reset',
      `The alarm fired while the connector reported ${incident.initialState}.`,
      `${how} The new connector is not proven to resume from the committed offsets (${incident.offsetsReset}), so it may have started without them.`,
      'Check the data downstream: Debezium re-snapshots the captured tables (snapshot.mode=initial), or with snapshot.mode=never the changes made before the recreate are missing. To keep offsets next time, give the stored request a worker configuration that sets offset.storage.topic.')
    : notice(settings, 'INFO', 'connector recovered',
      `The alarm fired while the connector reported ${incident?.initialState ?? 'unknown'}.`,
      how,
      'Nothing now. If this repeats, look for the root cause (network idle timeouts, source database restarts).');
}

// A recreate refused before the delete: `why` it was needed (a sentence without its capital), else the connector's `state` says.

const NOTHING_DELETED = 'Nothing was deleted: the connector is as it was.';

function recreateCause(why: string | undefined, state: string): string {
  return why ? `${capitalise(why)}. ` : `The connector is ${state}. `;
}

export function recreateRequestUnusable(settings: Settings, why: string | undefined, state: string, problems: readonly string[]): Escalation {
  return needsHuman(settings, 'stored CreateConnector request unusable; not deleting',
    `${recreateCause(why, state)}A recreate is needed, but the stored CreateConnector request cannot be used: ${problems.join('; ')}.`,
    NOTHING_DELETED,
    'Fix the stored request, then invoke the guard with `{"action":"recover"}`.');
}

export function recreateWouldRevert(settings: Settings, why: string | undefined, state: string, risk: RevertRisk): Escalation {
  const cause = recreateCause(why, state);
  switch (risk.kind) {
    case 'CLOUDFORMATION': {
      const stack = risk.stack !== undefined ? `CloudFormation stack ${risk.stack}` : 'a CloudFormation stack (the guard was built from its CfnConnector)';
      return needsHuman(settings, 'connector managed by CloudFormation; not deleting',
        `${cause}A recreate is needed, but the connector belongs to ${stack}. Re-created outside the stack it would get a new ARN the stack does not know, and the stack's next update or delete would fail or orphan it.`,
        NOTHING_DELETED,
        'Replace the connector through its stack (a deployment that replaces the AWS::KafkaConnect::Connector), then reset the guard with `{"action":"reset"}`.');
    }
    case 'UNCOMPARED':
      return needsHuman(settings, 'running connector could not be compared with the stored request; not deleting',
        `${cause}A recreate is needed, but the running connector could not be described (DescribeConnector, ListTagsForResource), so the guard cannot prove that the stored request would not revert it.`,
        NOTHING_DELETED,
        'Check that the recovery role may call kafkaconnect:DescribeConnector and kafkaconnect:ListTagsForResource on the connector, then invoke the guard with `{"action":"recover"}`.');
    case 'DIFFERS':
      return needsHuman(settings, 'stored request differs from the running connector; not deleting',
        `${cause}A recreate is needed, but the stored CreateConnector request differs from the running connector in ${risk.differences.join(', ')}: a recreate from it would revert ${risk.differences.length === 1 ? 'that change' : 'those changes'}.`,
        NOTHING_DELETED,
        'Refresh the stored request from the running connector (README, "Refreshing the stored request": describe-connector and list-tags-for-resource), then invoke the guard with `{"action":"recover"}`.');
  }
}

export function recreateWouldLoseOffsets(settings: Settings, why: string | undefined, state: string, offsetsProblem: string | undefined): Escalation {
  return needsHuman(settings, 'recreate would lose committed offsets; not deleting',
    `${recreateCause(why, state)}A recreate is needed, but it is not proven to resume from the committed offsets: ${offsetsProblem ?? 'unknown reason'}.`,
    NOTHING_DELETED,
    'Make the stored request name the worker configuration (latest revision, setting offset.storage.topic) and the bootstrap servers the running connector uses, or set allowOffsetReset on the guard if re-reading the source is acceptable.');
}

// DELETING.

export function stillDeleting(settings: Settings): Notice {
  return takingLonger(settings, 'The connector has been DELETING longer than expected.',
    'Still waiting; the guard re-creates it as soon as the delete finishes.',
    'Nothing yet. If it stays DELETING for hours, contact AWS support.');
}

/** `standDown` says why the guard may not delete it now. */
export function deleteAcceptedStillListed(settings: Settings, state: string, standDown: string): Notice {
  return takingLonger(settings, `AWS accepted the delete, but the connector is still listed ${state}, and ${standDown}.`,
    'Not deleting it again; the guard re-creates it if it disappears.',
    'Check the connector in the MSK console. If it is intact, reset the guard with `{"action":"reset"}` to cancel the re-create.');
}

export function recreateAbandoned(settings: Settings, state: string, standDown: string): Notice {
  return notice(settings, 'WARNING', 'recreate abandoned before the delete',
    `The guard had decided to re-create the connector, but the delete did not take (the connector is ${state}), and ${standDown}.`,
    'Nothing was deleted: the connector is as it was, and the guard is idle again.',
    'Nothing. The guard acts again on the next alarm.');
}

export function otherOperationBeforeDelete(settings: Settings, state: string): Notice {
  return takingLonger(settings, `The guard is re-creating the connector, and it has been ${state} (another operation) for longer than expected.`,
    'Still waiting; the guard deletes and re-creates it once that operation ends.',
    'Check the connector in the MSK console; reset the guard with `{"action":"reset"}` to cancel the re-create.');
}

export function deleteKeepsFailing(settings: Settings, state: string): Notice {
  return notice(settings, 'CRITICAL', 'delete keeps failing',
    `The guard has been trying to delete the connector for more than ${minutes(settings.operationTimeoutMs)}; it is ${state} again after each attempt.`,
    'Still re-issuing the delete every minute, to re-create the connector from the stored request.',
    'Look at the connector in the MSK console (state description) and fix what blocks the delete, or reset the guard with `{"action":"reset"}` to stop: the connector is intact until a delete takes.');
}

// CREATING: the connector the guard deleted, to be created again.

export function requestUnusableAfterDelete(settings: Settings, problem: string): Escalation {
  return createBlocked(settings, 'connector deleted but the stored request is no longer usable',
    `The guard deleted the connector, and the stored CreateConnector request is now unusable: ${problem}.`,
    'Fix the stored request now');
}

export function requestStillUnusable(settings: Settings, problem: string): Escalation {
  return createBlocked(settings, 'create pending but the stored request is unusable',
    `The connector is deleted and the stored CreateConnector request is unusable: ${problem}.`,
    'Fix the stored request');
}

/** CRITICAL: the connector stays deleted until the stored request is usable again. */
function createBlocked(settings: Settings, reason: string, seen: string, fix: string): Escalation {
  return needsHuman(settings, reason, seen, 'Could not re-create the connector. It is DELETED.',
    `${fix} (the guard re-checks it every minute and re-creates the connector once it is usable), `
    + 'or invoke the guard with `{"action":"recover"}` (it accepts a request changed since the delete, if it keeps the offsets), '
    + 'or create the connector by hand.', 'CRITICAL');
}

export function deletedButStrategyCannotCreate(settings: Settings): Escalation {
  const strategy = settings.strategy;
  return needsHuman(settings, `connector deleted, but the strategy is now ${strategy}`,
    `The guard deleted the connector to re-create it, and its strategy has since been changed to ${strategy}, whose role cannot create connectors.`,
    'Nothing: the connector is still deleted.',
    'Deploy the guard again with RESTART_THEN_RECREATE or RECREATE: it then creates the connector from the stored request on its next run. '
    + 'Or re-create the connector by hand from the stored request, then reset the guard with `{"action":"reset"}`.',
    'CRITICAL');
}

export function recreatedFailed(settings: Settings): Escalation {
  return needsHuman(settings, 're-created connector FAILED',
    'The guard re-created the connector from the stored request, and the new connector is FAILED.',
    'Stopped acting.',
    'Read the new connector\'s worker logs; fix the stored request or its dependencies, then `{"action":"reset"}`.', 'CRITICAL');
}

export function stillCreating(settings: Settings, state: string): Notice {
  return takingLonger(settings, `The re-created connector has been ${state} longer than expected.`,
    'Still waiting for it to reach RUNNING.',
    'Nothing yet; if it never reaches RUNNING, check the connector in the MSK console.');
}

/**
 * Sent by the handler, not the decision: a run failed in `phase` DELETING or CREATING, while the
 * connector may be deleted. `error` is already scrubbed of configuration values.
 */
export function recoveryStepFailing(settings: Settings, phase: Phase, error: string): Notice {
  const doing = phase === 'DELETING' ? 'deleting' : 're-creating';
  return notice(settings, 'CRITICAL', `recovery step failing while ${doing} the connector`,
    `A recovery step failed while ${doing} the connector: ${error}.`,
    'The guard retries every minute and re-creates the connector as soon as AWS accepts the request.',
    'Check the error (permissions, the stored request, MSK Connect quotas) now: the connector may be deleted until this succeeds.');
}

// ESCALATED, and the operator's reset and recover.

export function escalationCleared(settings: Settings, escalation: string | undefined): Notice {
  return notice(settings, 'INFO', 'alarm cleared after escalation',
    `The alarm is OK again (the guard had escalated: ${escalation ?? 'unknown reason'}).`,
    'The guard is active again.',
    'Nothing.');
}

export function resetCreateStillOwed(settings: Settings, record: RecoveryRecord): Notice {
  return notice(settings, 'WARNING', 'guard reset by an operator; create still owed',
    `The guard was in phase ${record.phase} (${record.escalation ?? 'unknown reason'}).`,
    `Nothing: the connector the guard deleted is still missing, and the strategy ${settings.strategy} cannot re-create it.`,
    'Deploy the guard again with RESTART_THEN_RECREATE or RECREATE (it then creates the connector on its next run), or re-create the connector by hand and reset again.');
}

/**
 * `record` as the reset found it; `attempts`, how many are still in the budget window; `actsAgainAt`,
 * when the guard acts again if the budget is used up (undefined when it is not).
 */
export function guardReset(
  settings: Settings, record: RecoveryRecord, recreateContinues: boolean, attempts: number, actsAgainAt: number | undefined,
): Notice {
  return notice(settings, 'INFO', 'guard reset by an operator',
    `An operator invoked the guard with {"action":"reset"}. The guard was in phase ${record.phase}${record.escalation ? ` (${record.escalation})` : ''}.`,
    (recreateContinues
      ? 'The recreate in progress continues, so that the connector is not left deleted.'
      : 'Cleared the escalation.')
      + ` The ${attempts} recovery attempts of the last ${minutes(settings.budgetWindowMs)} still count against the budget of ${settings.budget}.`,
    actsAgainAt !== undefined
      ? `Nothing. The budget is used up: the guard acts again from ${new Date(actsAgainAt).toISOString()}; an alarm before then is escalated once.`
      : 'Nothing. The guard acts again on the next alarm.');
}

/**
 * The answer to an operator's recover: what was asked, what the guard saw (an alarm not in ALARM and
 * the maintenance switch included) and what it did; a decision that has its own notice (an escalation)
 * keeps it, framed as the answer.
 */
export function recoverAnswer(settings: Settings, observation: Observation, decision: Decision): Notice {
  const { alarm, connector } = observation;
  const maintenance = alarm.actionsEnabled ? '' : ', with the maintenance switch on (alarm actions disabled)';
  const asked = `An operator invoked the guard with {"action":"recover"}; the alarm was ${alarm.state}${maintenance}, the connector ${connector?.state ?? 'missing'}.`;
  const own = decision.notice;
  if (own) {
    return { ...own, seen: `${asked} ${own.seen}` };
  }
  const done = DONE[decision.action.kind];
  return notice(settings, 'INFO', `recover: ${done}`, asked,
    decision.action.kind === 'NONE' ? `Nothing: ${decision.reason}.` : `${capitalise(done)}: ${decision.reason}.`,
    decision.action.kind === 'NONE' ? 'Nothing.' : 'Nothing now: the guard follows the step on its next runs and reports how it ends.');
}

/** What each action does, as a recover's notice says it. */
const DONE: Record<Action['kind'], string> = {
  NONE: 'nothing done',
  LOAD_CONFIG: 'reading the stored request',
  RESTART: 'restarting the connector',
  DELETE: 'deleting the connector to re-create it',
  CREATE: 'creating the connector the guard deleted',
};

// The drill.

const DRILL_SAYS: Record<DrillVerdict['outcome'], string> = {
  WOULD_RESTART: 'would restart',
  WOULD_RECREATE: 'would re-create',
  WOULD_REFUSE: 'would refuse',
};

function drillSentence(verdict: DrillVerdict): string {
  return `${DRILL_SAYS[verdict.outcome]}, because ${verdict.because}${verdict.detail ? ` (${verdict.detail})` : ''}`;
}

/** The answer to `{"action":"drill"}`: what a real recovery would do now, and each check's result. */
export function drillReportNotice(settings: Settings, report: DrillReport): Notice {
  const { verdict, ifRestartDoesNotHelp, checks } = report;
  const problems = checks.filter((c) => c.status === 'PROBLEM');
  const severity = verdict.outcome === 'WOULD_REFUSE' || ifRestartDoesNotHelp?.outcome === 'WOULD_REFUSE' || problems.length > 0 ? 'WARNING' : 'INFO';
  const lines = [
    `DRILL: a recovery started now ${drillSentence(verdict)}.`,
    ...(ifRestartDoesNotHelp ? [`If that restart did not help, it ${drillSentence(ifRestartDoesNotHelp)}.`] : []),
    'Checks:',
    ...checks.map((c) => `- ${c.check}: ${c.status === 'OK' ? 'OK' : c.status === 'PROBLEM' ? 'PROBLEM' : 'NOT CHECKED'}: ${c.detail}`),
  ];
  return notice(settings, severity, `DRILL: ${DRILL_SAYS[verdict.outcome]}`,
    lines.join('\n'),
    'Nothing: a drill restarts, deletes and creates nothing, and leaves the guard\'s recovery record as it was.',
    problems.length > 0
      ? `Fix what the checks report (${problems.map((c) => c.check).join(', ')}), then run the drill again.`
      : verdict.outcome === 'WOULD_REFUSE'
        ? 'No check reports a problem; a recovery would still refuse, for the reason above (the guard\'s strategy, state or switches).'
        : 'Nothing to fix. The README ("Drill") shows the end-to-end variant: set the composite alarm to ALARM while the strategy is NOTIFY_ONLY.');
}
