import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmTuning } from '../props';

/** The evaluation periods each signal defaults to (documented on `AlarmTuning.evaluationPeriods`). */
export const DEFAULT_EVALUATION_PERIODS = { taskHealth: 3, connected: 2, lag: 5, noProduction: 2, offsetCommitGap: 1, crashLoop: 5 } as const;

/** How many errored periods within the crash-loop alarm's evaluation periods fire it (its default `datapointsToAlarm`). */
export const DEFAULT_CRASH_LOOP_DATAPOINTS = 2;

/** The offset-commit window when neither `offsetCommitWindow` nor `offsetCommitAlarm.evaluationPeriods` is set. */
export const DEFAULT_OFFSET_COMMIT_WINDOW = Duration.minutes(5);

/**
 * The offset-commit alarm's evaluation periods: its own `evaluationPeriods` when set, else the
 * window (`offsetCommitWindow`, 5 minutes by default) in periods. Setting only the period keeps
 * the window, so `{ period: 10 s }` means 30 periods, not 5.
 */
export function offsetCommitEvaluationPeriods(window: Duration | undefined, tuning: AlarmTuning | undefined): number {
  if (tuning?.evaluationPeriods !== undefined) {
    return tuning.evaluationPeriods;
  }
  const period = tuning?.period ?? Duration.minutes(1);
  return Math.max(1, Math.round((window ?? DEFAULT_OFFSET_COMMIT_WINDOW).toSeconds() / period.toSeconds()));
}

/** An `AlarmTuning` with every default filled in. */
export interface ResolvedTuning {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** Fills a tuning's gaps with the signal's defaults (the per-signal defaults are documented on the props). */
export function resolveTuning(
  tuning: AlarmTuning | undefined,
  defaults: { evaluationPeriods: number; treatMissingData: cloudwatch.TreatMissingData; datapointsToAlarm?: number },
): ResolvedTuning {
  const evaluationPeriods = tuning?.evaluationPeriods ?? defaults.evaluationPeriods;
  return {
    period: tuning?.period ?? Duration.minutes(1),
    evaluationPeriods,
    datapointsToAlarm: tuning?.datapointsToAlarm ?? Math.min(defaults.datapointsToAlarm ?? evaluationPeriods, evaluationPeriods),
    treatMissingData: tuning?.treatMissingData ?? defaults.treatMissingData,
  };
}
