import type { DebeziumGuardRecoveryOptions, RecoveryStrategy } from '../props';

/**
 * Properties of a `DebeziumGuardFleet`: what its members share. Each member guard keeps its own
 * signals and alarms; how the fleet recovers (for each member: its own cooldown, budget and lease),
 * and whom it tells, is set here once.
 */
export interface DebeziumGuardFleetProps extends DebeziumGuardRecoveryOptions {
  /**
   * How the fleet recovers its members' connectors.
   * @default RecoveryStrategy.RESTART_THEN_RECREATE
   */
  readonly recoveryStrategy?: RecoveryStrategy;

  /**
   * Allow a recreate that does not resume from committed offsets (see the guard's prop of the same name).
   * @default false
   */
  readonly allowOffsetReset?: boolean;

  /**
   * How many members one run of the recovery function recovers at once (1 to 16): bounds the fleet's
   * calls to MSK Connect when many connectors alarm together; the members a run has no time left for
   * wait for the next tick.
   * @default 4
   */
  readonly maxConcurrentRecoveries?: number;

  /**
   * Create the fleet dashboard: every member's alarm states, each member's phase, recovery
   * attempts in the budget window and last recovery attempt, and the fleet's recoveries over time.
   * @default false
   */
  readonly createDashboard?: boolean;

  /**
   * Name of the fleet dashboard (requires `createDashboard`).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}
