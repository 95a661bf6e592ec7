/**
 * Types of the recovery function's decision core. Plain data only: everything here is
 * serialisable, so a record can be stored in DynamoDB and a decision can be logged as is.
 */
import type { StrategyName } from './constants';
import type { RequestDrift, RequestFingerprint } from './request-drift';

/** How the function tries to recover a connector (the construct's `RecoveryStrategy`, by name). */
export type Strategy = StrategyName;

/** MSK Connect connector states (`DescribeConnector.connectorState`). */
export type ConnectorState =
  | 'CREATING' | 'RUNNING' | 'UPDATING' | 'DELETING' | 'FAILED'
  | 'PAUSING' | 'PAUSED' | 'RESUMING' | 'RESTARTING';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** Why the function runs. */
export type TriggerKind =
  /** The composite alarm changed state (EventBridge). */
  | 'ALARM'
  /** The periodic reconcile tick: continues in-flight recoveries and re-checks a lasting alarm. */
  | 'TICK'
  /** The optional preventive restart schedule. */
  | 'SCHEDULED_RESTART'
  /** An operator asked for a recovery now (ignores backoff, not the safety rules). */
  | 'MANUAL_RECOVER'
  /** An operator cleared an escalation (not the attempts in the budget window). */
  | 'MANUAL_RESET'
  /** An operator asked what the guard sees; never acts. */
  | 'STATUS'
  | 'DRILL';

/** Everything the decision needs to know about the guard's configuration. */
export interface Settings {
  readonly connectorName: string;
  readonly strategy: Strategy;
  readonly allowOffsetReset: boolean;
  /** Minimum time between two recovery attempts. */
  readonly cooldownMs: number;
  /** Attempts allowed per `budgetWindowMs` before escalating to a human. */
  readonly budget: number;
  readonly budgetWindowMs: number;
  /** How long the alarm may take to clear after a restart or recreate completed. */
  readonly verifyMs: number;
  /** How long a restart, delete or create may take before the guard calls it stuck. */
  readonly operationTimeoutMs: number;
  /** The connector belongs to a CloudFormation stack (the guard was built from its `CfnConnector`): never re-created. */
  readonly cloudFormationManaged?: boolean;
  /**
   * The shortest time between two firings of the preventive restart schedule; absent when the guard has
   * none, and then no scheduled restart is accepted.
   */
  readonly scheduledRestartIntervalMs?: number;
}

/** Where a connector keeps its committed offsets: its worker configuration and Kafka cluster. */
export interface OffsetsLocation {
  /** The worker configuration the connector runs with (where its offsets topic is set). */
  readonly workerConfigurationArn?: string;
  /** Its revision: another revision may set another offsets topic, or none. */
  readonly workerConfigurationRevision?: number;
  /** The Kafka cluster the offsets topic is on. */
  readonly bootstrapServers?: string;
}

/** The connector as MSK Connect reports it, found by exact name. */
export interface ConnectorView extends OffsetsLocation {
  readonly arn: string;
  readonly state: ConnectorState | string;
  readonly currentVersion?: string;
  /** e.g. `3.7.x` or `2.7.1`: from 3.7, a restart can leave healthy tasks running (`onlyFailedTasks`). */
  readonly kafkaConnectVersion?: string;
}

/** Result of reading and validating the CreateConnector request stored in S3. */
export interface ConfigCheck {
  /** Every reason the stored request cannot be used; empty when it can. */
  readonly problems: string[];
  /** True when the recreate is proven to resume from the running connector's committed offsets. */
  readonly offsetsPreserved: boolean;
  /** Why that is not proven, when it is not. */
  readonly offsetsProblem?: string;
  /** The validated request, present only when `problems` is empty. */
  readonly request?: Record<string, unknown>;
  /** The validated request's fingerprint (a hash per field, no values), present with `request`. */
  readonly fingerprint?: RequestFingerprint;
  /**
   * The request compared with the running connector (`DescribeConnector`, `ListTagsForResource`); absent
   * when there is no running connector, or it could not be described.
   */
  readonly drift?: RequestDrift;
}

/** What the function observed in one run. */
export interface Observation {
  /** Undefined when no connector has exactly the guarded name. */
  readonly connector?: ConnectorView;
  readonly alarm: {
    readonly state: AlarmState | string;
    /** False when an operator disabled the composite alarm's actions: the maintenance switch. */
    readonly actionsEnabled: boolean;
    /** The child alarms whose change put the composite in its state (its `StateReasonData`), when it says. */
    readonly triggeredBy?: string[];
  };
  /** State of the restart operation the record is following, when there is one. */
  readonly operationState?: string;
  /** Present only once the decision asked for it (`LOAD_CONFIG`). */
  readonly config?: ConfigCheck;
}

export type Phase = 'IDLE' | 'RESTARTING' | 'VERIFYING' | 'DELETING' | 'CREATING' | 'ESCALATED';

/** The durable state of one guarded connector, persisted between runs. */
export interface RecoveryRecord {
  readonly phase: Phase;
  /** When the current phase was entered (ms epoch). */
  readonly phaseSince?: number;
  /** The incident being handled, from its first action to the alarm clearing. */
  readonly incident?: Incident;
  /** The connector ARN the current phase acts on (the old ARN while deleting). */
  readonly connectorArn?: string;
  /** The restart operation being followed. */
  readonly operationArn?: string;
  /** Start times (ms epoch) of recovery steps inside the budget window, oldest first. */
  readonly attempts: number[];
  /** Why the guard escalated, while `phase` is ESCALATED. */
  readonly escalation?: string;
  /** Key of the last one-off notice, so a lasting condition is reported once, not every tick. */
  readonly noticeKey?: string;
  /** Set once a 'taking longer than expected' notice was sent for the current phase. */
  readonly slowNoticeSent?: boolean;
  /**
   * Where the connector the guard deleted kept its offsets, saved with the delete: the stored request
   * is read again for the create, and must still resume from there (it may have changed meanwhile).
   */
  readonly deletedFrom?: OffsetsLocation;
  /** DeleteConnector was accepted: a listing that still shows the connector intact is stale, not a delete that did not take. */
  readonly deleteAccepted?: boolean;
  /** Set by an escalation with the connector the guard deleted still missing: the guard owes its create. */
  readonly createOwed?: boolean;
  /**
   * The fingerprint of the stored request that matched the running connector when the guard deleted it:
   * the request read again for the create must still match it (it may have been changed or swapped meanwhile).
   */
  readonly ranAs?: RequestFingerprint;
  /** The restart being followed restarts only the failed tasks: if it does not help, a full restart comes next, not a recreate. */
  readonly narrowRestart?: boolean;
  /**
   * When the last scheduled restart was started (ms epoch): kept across incidents, so that the schedule's
   * input, sent by anyone else, restarts the connector at most once per schedule interval.
   */
  readonly lastScheduledRestart?: number;
  /**
   * Set by the escalation that spent the recovery budget: until then (ms epoch), when the last attempt
   * leaves the budget window, the guard stays escalated and quiet, whatever the alarm does.
   */
  readonly quietUntil?: number;
  /** RestartConnector was refused on a retry, so whether the restart ran is unknown: it must not lead to a recreate. */
  readonly restartUnconfirmed?: boolean;
}

export interface Incident {
  readonly startedAt: number;
  readonly trigger: TriggerKind;
  /** Connector state when the incident started. */
  readonly initialState: string;
  /** Steps taken so far, in order. */
  readonly steps: Step[];
  /**
   * Why the connector that replaced the deleted one is not proven to resume from the committed
   * offsets (allowOffsetReset let the create through, or the guard adopted a connector that runs
   * elsewhere): the recovery notice then says so.
   */
  readonly offsetsReset?: string;
  /** Configuration keys DescribeConnector masked when the recreate was decided: the recovery notice names them. */
  readonly uncompared?: string[];
}

export type Step = 'restart' | 'recreate';

/**
 * Why re-creating the running connector from the stored request would harm it: its CloudFormation
 * stack (named when the connector's tags say which) would lose track of it, it could not be compared
 * with the request, or the request differs from it in these keys (a recreate would revert them).
 */
export type RevertRisk =
  | { readonly kind: 'CLOUDFORMATION'; readonly stack?: string }
  | { readonly kind: 'UNCOMPARED' }
  | { readonly kind: 'DIFFERS'; readonly differences: readonly string[] };

export const INITIAL_RECORD: RecoveryRecord = { phase: 'IDLE', attempts: [] };

/** The one AWS call the decision asks for (at most one per run). */
export type Action =
  | { readonly kind: 'NONE' }
  | { readonly kind: 'LOAD_CONFIG' }
  | { readonly kind: 'RESTART'; readonly connectorArn: string; readonly onlyFailedTasks?: boolean }
  | { readonly kind: 'DELETE'; readonly connectorArn: string; readonly currentVersion?: string }
  | { readonly kind: 'CREATE'; readonly request: Record<string, unknown> };

export type Severity = 'INFO' | 'WARNING' | 'CRITICAL';

/** A message for the humans on the topic. Never contains connector configuration values. */
export interface Notice {
  readonly severity: Severity;
  readonly subject: string;
  /** What was seen. */
  readonly seen: string;
  /** What the guard did. */
  readonly done: string;
  /** What a human should do next. */
  readonly next: string;
}

/** Output of the decision: the action, the record to persist, and what to tell humans and metrics. */
export interface Decision {
  readonly action: Action;
  readonly record: RecoveryRecord;
  /** One line for the structured log: why this decision. */
  readonly reason: string;
  readonly notice?: Notice;
  /** Recovery metric events this decision implies. */
  readonly events: RecoveryEvent[];
}

export type RecoveryEvent =
  | { readonly kind: 'STEP_STARTED'; readonly step: Step }
  | { readonly kind: 'RECOVERED'; readonly seconds: number }
  | { readonly kind: 'ESCALATED' };

/** What a real recovery would do now, as the drill reports it. */
export type DrillOutcome = 'WOULD_RESTART' | 'WOULD_RECREATE' | 'WOULD_REFUSE';

/** One of the drill's answers: what a real recovery would do, and the decision's reason (its notice's text, when it has one). */
export interface DrillVerdict {
  readonly outcome: DrillOutcome;
  readonly because: string;
  /** What the decision's notice says it saw (the fields that differ, the problems of the request), when it has one. */
  readonly detail?: string;
}

/** A check's result: `NOT_CHECKED` when the drill could not check it (its `detail` says why). */
export type DrillCheckStatus = 'OK' | 'PROBLEM' | 'NOT_CHECKED';

/** One check of what a real recovery would need. Names and states only: never a value of the connector's configuration. */
export interface DrillCheck {
  readonly check: string;
  readonly status: DrillCheckStatus;
  readonly detail: string;
}

/**
 * One target of an EventBridge rule that invokes the recovery function, with its rule: what
 * `DescribeRule` and `ListTargetsByRule` say of it. The drill checks from these that the guard's rules
 * would start the function.
 */
export interface RuleTarget {
  readonly rule: string;
  /** The rule's state is ENABLED (or enabled with CloudTrail management events). */
  readonly enabled: boolean;
  readonly scheduleExpression?: string;
  readonly eventPattern?: string;
  /** The constant JSON the target sends instead of the matched event (`Input`). */
  readonly input?: string;
  /** The target reshapes the matched event (`InputPath` or `InputTransformer`). */
  readonly transformsInput: boolean;
}

/** What the drill found, and what a real recovery would do with it. */
export interface DrillReport {
  readonly verdict: DrillVerdict;
  /** Under a strategy that restarts first and then re-creates: what would follow a restart that does not help. */
  readonly ifRestartDoesNotHelp?: DrillVerdict;
  readonly checks: DrillCheck[];
}
