import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmTuning } from '../props';

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
  defaults: { evaluationPeriods: number; treatMissingData: cloudwatch.TreatMissingData },
): ResolvedTuning {
  const evaluationPeriods = tuning?.evaluationPeriods ?? defaults.evaluationPeriods;
  return {
    period: tuning?.period ?? Duration.minutes(1),
    evaluationPeriods,
    datapointsToAlarm: tuning?.datapointsToAlarm ?? evaluationPeriods,
    treatMissingData: tuning?.treatMissingData ?? defaults.treatMissingData,
  };
}
