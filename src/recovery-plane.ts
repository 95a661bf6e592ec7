import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { RecoveryFunction } from './recovery-function/recovery-function';

/** What a guard, or a fleet, recovers with: the recovery records, the function, and the alarm on its failures. */
export interface RecoveryPlane {
  readonly stateTable: dynamodb.Table;
  readonly recoveryFunction: RecoveryFunction;
  readonly recoveryErrorsAlarm: cloudwatch.Alarm;
}

export interface RecoveryErrorsAlarmProps {
  /** @default - a name CloudFormation chooses */
  readonly alarmName?: string;
  readonly alarmDescription: string;
}

/**
 * The state table, the recovery function (built by `recoveryFunction` on that table) and the alarm
 * that notifies the topic when the function fails: a guard that cannot act must say so (AWS refusing
 * the re-create of a deleted connector, for one).
 */
export function recoveryPlane(
  scope: Construct, recoveryFunction: (table: dynamodb.Table) => RecoveryFunction, errors: RecoveryErrorsAlarmProps, notify: cwActions.SnsAction,
): RecoveryPlane {
  const stateTable = new dynamodb.Table(scope, 'StateTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Operational state only (leases and attempt histories): nothing to keep once the guard is gone.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = recoveryFunction(stateTable);
  const recoveryErrorsAlarm = new cloudwatch.Alarm(scope, 'RecoveryErrorsAlarm', {
    ...errors,
    metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  recoveryErrorsAlarm.addAlarmAction(notify);
  recoveryErrorsAlarm.addOkAction(notify);
  return { stateTable, recoveryFunction: fn, recoveryErrorsAlarm };
}
