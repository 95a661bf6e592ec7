import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { guardAlarmName } from './alarm-text';
import type { SettledTuning } from '../guard-settings';

/** One signal alarm: what it watches and when it fires; its name and tuning follow the guard's rules. */
export interface SignalAlarmProps {
  readonly connectorName: string;
  /** The end of the alarm's name (`<connector>-debezium-guard-<signal>`). */
  readonly signal: string;
  /** What the alarm means and what to check first, after "Debezium connector <name>: ". */
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly threshold: number;
  readonly tuning: SettledTuning;
}

/** Every signal's alarm: named after its connector, described for the one who gets paged, tuned as settled. */
export function signalAlarm(scope: Construct, id: string, props: SignalAlarmProps): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmName: guardAlarmName(props.connectorName, props.signal),
    alarmDescription: `Debezium connector ${props.connectorName}: ${props.description}`,
    metric: props.metric,
    comparisonOperator: props.comparisonOperator,
    threshold: props.threshold,
    evaluationPeriods: props.tuning.evaluationPeriods,
    datapointsToAlarm: props.tuning.datapointsToAlarm,
    treatMissingData: props.tuning.treatMissingData,
  });
}
