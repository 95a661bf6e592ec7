import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { GuardSpec } from './guard-spec';
import { KafkaConnectVersion } from './kafka-connect-version';
import { AlarmTuning, RecoveryStrategy } from './props';

/** An alarm's tuning with every default filled in. */
export interface SettledTuning {
  /** Undefined only for the Debezium metrics' alarms: the caller's metric keeps its own period. */
  readonly period?: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** An alarm on a metric the guard builds: its period is always known. */
export interface SettledPeriodicTuning extends SettledTuning {
  readonly period: Duration;
}

/** The props that take an `AlarmTuning`, each the alarm it tunes. */
export const TUNING_PROPS = [
  'offsetCommitAlarm', 'offsetCommitGapAlarm', 'noProductionAlarm', 'taskHealthAlarm', 'crashLoopAlarm', 'connectedAlarm', 'lagAlarm',
] as const;

/** What a guard is built from: its props with every default filled in, once. */
export interface GuardSettings {
  readonly recoveryStrategy: RecoveryStrategy;
  readonly kafkaConnectVersion: KafkaConnectVersion;
  readonly offsetCommitWindow: Duration;
  readonly offsetFlushInterval: Duration;
  readonly expectedRunningTasks: number;
  readonly lagThreshold: Duration;
  readonly offsetCommitAlarm: SettledPeriodicTuning;
  readonly offsetCommitGapAlarm: SettledPeriodicTuning;
  readonly noProductionAlarm: SettledPeriodicTuning;
  readonly taskHealthAlarm: SettledPeriodicTuning;
  readonly crashLoopAlarm: SettledPeriodicTuning;
  readonly connectedAlarm: SettledTuning;
  readonly lagAlarm: SettledTuning;
  readonly recoveryFunctionRuntime: lambda.Runtime;
  readonly recoveryLogRetention: logs.RetentionDays;
  readonly allowOffsetReset: boolean;
  readonly recoveryCooldown: Duration;
  readonly recoveryBudget: number;
  readonly recoveryBudgetWindow: Duration;
  readonly operationTimeout: Duration;
}

const MINUTE = Duration.minutes(1);

/**
 * Fills every default the props document (`@default`), and nothing else: no check, no conversion
 * that could fail before validation names the prop. The one derived value, the offset-commit
 * alarm's evaluation periods, is the window in periods: setting only the period keeps the window,
 * so `{ period: 10 s }` means 30 periods, not 5.
 */
export function settle(spec: GuardSpec): GuardSettings {
  const window = spec.offsetCommitWindow ?? Duration.minutes(5);
  const offsetPeriod = spec.offsetCommitAlarm?.period ?? MINUTE;
  const breaching = cloudwatch.TreatMissingData.BREACHING;
  const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
  return {
    ...settleRecovery(spec),
    kafkaConnectVersion: spec.kafkaConnectVersion ?? KafkaConnectVersion.V3_7_X,
    offsetCommitWindow: window,
    offsetFlushInterval: spec.offsetFlushInterval ?? Duration.seconds(60),
    expectedRunningTasks: spec.expectedRunningTasks ?? 1,
    lagThreshold: spec.lagThreshold ?? Duration.minutes(5),
    offsetCommitAlarm: periodic(spec.offsetCommitAlarm, {
      evaluationPeriods: Math.max(1, Math.round(window.toSeconds({ integral: false }) / offsetPeriod.toSeconds({ integral: false }))),
      treatMissingData: breaching,
    }),
    offsetCommitGapAlarm: periodic(spec.offsetCommitGapAlarm, { evaluationPeriods: 1, treatMissingData: breaching }),
    noProductionAlarm: periodic(spec.noProductionAlarm, { evaluationPeriods: 2, treatMissingData: breaching }),
    taskHealthAlarm: periodic(spec.taskHealthAlarm, { evaluationPeriods: 3, treatMissingData: notBreaching }),
    crashLoopAlarm: periodic(spec.crashLoopAlarm, { evaluationPeriods: 5, datapointsToAlarm: 2, treatMissingData: notBreaching }),
    connectedAlarm: tuning(spec.connectedAlarm, { evaluationPeriods: 2, treatMissingData: breaching }),
    lagAlarm: tuning(spec.lagAlarm, { evaluationPeriods: 5, treatMissingData: notBreaching }),
  };
}

/** The props that say how a guard, or a fleet, recovers. */
export type RecoveryProps = Pick<GuardSpec, keyof RecoverySettings>;

/** How a guard, or a fleet, recovers: its props with every default filled in. */
export type RecoverySettings = Pick<GuardSettings,
'recoveryStrategy' | 'recoveryFunctionRuntime' | 'recoveryLogRetention' | 'allowOffsetReset'
| 'recoveryCooldown' | 'recoveryBudget' | 'recoveryBudgetWindow' | 'operationTimeout'>;

/** Fills the recovery props' documented defaults, the same for a guard and for a fleet. */
export function settleRecovery(props: RecoveryProps): RecoverySettings {
  return {
    recoveryStrategy: props.recoveryStrategy ?? RecoveryStrategy.RESTART_THEN_RECREATE,
    recoveryFunctionRuntime: props.recoveryFunctionRuntime ?? lambda.Runtime.NODEJS_24_X,
    recoveryLogRetention: props.recoveryLogRetention ?? logs.RetentionDays.THREE_MONTHS,
    allowOffsetReset: props.allowOffsetReset ?? false,
    recoveryCooldown: props.recoveryCooldown ?? Duration.minutes(5),
    recoveryBudget: props.recoveryBudget ?? 3,
    recoveryBudgetWindow: props.recoveryBudgetWindow ?? Duration.hours(6),
    operationTimeout: props.operationTimeout ?? Duration.minutes(30),
  };
}

interface TuningDefaults {
  readonly evaluationPeriods: number;
  /** Without it, all evaluation periods must breach. */
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

function tuning(t: AlarmTuning | undefined, defaults: TuningDefaults): SettledTuning {
  const evaluationPeriods = t?.evaluationPeriods ?? defaults.evaluationPeriods;
  return {
    period: t?.period,
    evaluationPeriods,
    datapointsToAlarm: t?.datapointsToAlarm ?? Math.min(defaults.datapointsToAlarm ?? evaluationPeriods, evaluationPeriods),
    treatMissingData: t?.treatMissingData ?? defaults.treatMissingData,
  };
}

function periodic(t: AlarmTuning | undefined, defaults: TuningDefaults): SettledPeriodicTuning {
  return { ...tuning(t, defaults), period: t?.period ?? MINUTE };
}
