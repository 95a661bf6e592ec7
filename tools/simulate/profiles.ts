import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { TriggerRule } from './guard-alarms';
import type { StrategyName } from './world';
import type { DebeziumSilentFailureGuardProps } from '../../src/props';

/** Timings of one simulated world: the guard's alarm tuning, MSK Connect's API durations, the connector's rhythm. */
export interface TimingProfile {
  readonly name: string;
  /** Step of the simulation loop (simulated ms). */
  readonly stepMs: number;
  /** Period of the construct's reconcile tick. */
  readonly reconcileEveryMs: number;
  /** Kafka Connect's offset.flush.interval.ms. */
  readonly flushIntervalMs: number;
  /** How often the timeline shows the connector's commits (0: never). */
  readonly reportEveryMs: number;
  /** Debezium's heartbeat.interval.ms (idle scenarios). */
  readonly heartbeatIntervalMs: number;
  /** MSK Connect API durations. */
  readonly durations: { readonly restartMs: number; readonly restartPendingMs: number; readonly deleteMs: number; readonly createMs: number };
  /** Healthy time before the next injected failure: [min, max). */
  readonly failureGapMs: readonly [number, number];
  /** How long a flapping failure lasts before it heals by itself. */
  readonly flapMs: number;
  /** A crash loop: each failure, and each spell of running in between. */
  readonly crashLoop: { readonly failedMs: number; readonly runningMs: number };
  /** How long a worker-log delivery outage lasts. */
  readonly logGapMs: number;
  /** Slow trickle: the gap between two changes, [min, max). */
  readonly trickleGapMs: readonly [number, number];
  /** What triggers the recovery: the guard's composite alarm, or any of the seed's alarms. Default: the guard's. */
  readonly trigger?: TriggerRule;
  /** Default simulated duration. */
  readonly durationMs: number;
  /** Simulated ms per wall ms (0: as fast as possible). */
  readonly compression: number;
  /** Props of the guard whose synthesized alarms the monitor evaluates. */
  readonly guardProps: Partial<DebeziumSilentFailureGuardProps>;
  /** The recovery function's settings (the construct's environment). */
  readonly recovery: {
    readonly strategy: StrategyName;
    readonly allowOffsetReset: boolean;
    readonly offsetStorage: boolean;
    readonly cooldownMs: number;
    readonly budget: number;
    readonly budgetWindowMs: number;
    readonly verifyMs: number;
    readonly operationTimeoutMs: number;
  };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * The seed demo's pace: alarms on 10-second periods, an API that answers in seconds, a failure
 * every minute or so; 5 simulated seconds per wall second, so 40 s show two or three incidents.
 */
export const DEMO: TimingProfile = {
  name: 'demo',
  stepMs: SECOND,
  reconcileEveryMs: 10 * SECOND,
  flushIntervalMs: 2 * SECOND,
  reportEveryMs: 10 * SECOND,
  heartbeatIntervalMs: 5 * SECOND,
  durations: { restartMs: 3 * SECOND, restartPendingMs: 500, deleteMs: 5 * SECOND, createMs: 8 * SECOND },
  failureGapMs: [30 * SECOND, 50 * SECOND],
  flapMs: 5 * SECOND,
  crashLoop: { failedMs: 5 * SECOND, runningMs: 8 * SECOND },
  logGapMs: 40 * SECOND,
  trickleGapMs: [2 * SECOND, 5 * SECOND],
  durationMs: 200 * SECOND,
  compression: 5,
  guardProps: {
    offsetCommitWindow: Duration.seconds(10),
    offsetCommitAlarm: { period: Duration.seconds(10) },
    offsetCommitGapAlarm: { period: Duration.seconds(10), evaluationPeriods: 1 },
    noProductionAlarm: { period: Duration.seconds(10), evaluationPeriods: 1 },
    taskHealthAlarm: { period: Duration.seconds(10), evaluationPeriods: 1 },
    // A window short enough to clear within the 20-s verification after a restart (as the default's 5 minutes clear within 5).
    crashLoopAlarm: { period: Duration.seconds(10), evaluationPeriods: 3, datapointsToAlarm: 2 },
    connectedAlarm: { period: Duration.seconds(10), evaluationPeriods: 1 },
  },
  recovery: {
    strategy: 'RESTART_THEN_RECREATE',
    allowOffsetReset: false,
    offsetStorage: true,
    cooldownMs: 10 * SECOND,
    budget: 6,
    budgetWindowMs: 10 * MINUTE,
    verifyMs: 20 * SECOND,
    operationTimeoutMs: MINUTE,
  },
};

/**
 * What the same incidents cost on AWS: the guard's default alarms (1-minute periods, 5-minute
 * offset window), the one-minute reconcile tick, and MSK Connect API durations. AWS publishes no
 * durations; these follow the seed's own table (delete 3-5 min, create 3-5 min) and assume a
 * restart takes 1.5 min.
 */
export const AWS: TimingProfile = {
  name: 'aws',
  stepMs: 10 * SECOND,
  reconcileEveryMs: MINUTE,
  flushIntervalMs: MINUTE,
  reportEveryMs: 0,
  heartbeatIntervalMs: MINUTE,
  durations: { restartMs: 90 * SECOND, restartPendingMs: 10 * SECOND, deleteMs: 4 * MINUTE, createMs: 5 * MINUTE },
  failureGapMs: [100 * MINUTE, 160 * MINUTE],
  // The "90-second blip": it must stay quiet.
  flapMs: 90 * SECOND,
  // Each failure well under the task alarms' 3-minute window.
  crashLoop: { failedMs: 50 * SECOND, runningMs: 100 * SECOND },
  logGapMs: 20 * MINUTE,
  trickleGapMs: [20 * SECOND, 50 * SECOND],
  durationMs: 8 * 60 * MINUTE,
  compression: 0,
  // The defaults, plus a 1-minute period on the Connected metric (as the README recommends).
  guardProps: { connectedAlarm: { period: Duration.minutes(1) } },
  recovery: {
    strategy: 'RESTART_THEN_RECREATE',
    allowOffsetReset: false,
    offsetStorage: true,
    cooldownMs: 5 * MINUTE,
    budget: 3,
    budgetWindowMs: 6 * 60 * MINUTE,
    verifyMs: 5 * MINUTE,
    operationTimeoutMs: 30 * MINUTE,
  },
};

/**
 * The seed demo's approach under the AWS model: count "Committing offsets", alarm on 2 x 60 s,
 * delete and re-create on every alarm, with MSK Connect's default (ARN-named) offsets topic.
 */
export const SEED_ON_AWS: TimingProfile = {
  ...AWS,
  name: 'seed approach',
  trigger: 'seed',
  guardProps: {
    offsetCommitPattern: logs.FilterPattern.literal('"Committing offsets"'),
    offsetCommitAlarm: { period: Duration.minutes(1), evaluationPeriods: 2 },
    connectedAlarm: { period: Duration.minutes(1), evaluationPeriods: 2 },
  },
  recovery: { ...AWS.recovery, strategy: 'RECREATE', allowOffsetReset: true, offsetStorage: false, cooldownMs: 0, budget: 1000 },
};
