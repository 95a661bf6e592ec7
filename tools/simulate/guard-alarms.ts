import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { readTemplate, ruleAlarms, type AlarmDefinition, type CompositeAlarmDefinition, type MetricFilterDefinition } from './alarm-model';
import { DebeziumGuardFleet } from '../../src/fleet/fleet';
import { DebeziumSilentFailureGuard } from '../../src/guard';
import type { KafkaConnectVersion } from '../../src/kafka-connect-version';
import type { DebeziumSilentFailureGuardProps } from '../../src/props';

/** Where the simulated connector publishes Debezium's Connected metric. */
export const CONNECTED_METRIC = { namespace: 'Debezium', metricName: 'Connected' };

/**
 * Which rule triggers the recovery: the guard's synthesized composite alarm; a fleet member's
 * alarms as its fleet's function reads them (any trigger alarm in ALARM); or the seed demo's "any
 * alarm acts" over the alarms the seed had (offset commits, task health, Connected).
 */
export type TriggerRule = 'guard' | 'member' | 'seed';

/** The logical-ID prefixes of a fleet member's trigger alarms: any of them in ALARM starts its recovery. */
const MEMBER_TRIGGERS = [/^GuardStallAlarm/, /^GuardTaskAlarm/, /^GuardConnectedAlarm/, /^GuardLagAlarm/];

/** Any of the alarms in ALARM, as a rule. */
function anyOf(logicalId: string, ids: string[]): CompositeAlarmDefinition {
  return {
    logicalId,
    text: ids.map((id) => `ALARM("<${id}>")`).join(' OR '),
    rule: { kind: 'or', operands: ids.map((id) => ({ kind: 'alarm' as const, logicalId: id })) },
  };
}

/** The logical-ID prefixes of the alarms the seed demo's approach acts on (any of them). */
const SEED_ALARMS = [/^GuardOffsetCommitAlarm/, /^GuardTaskHealthErroredTasksAlarm/, /^GuardTaskHealthRunningTasksAlarm/, /^GuardConnectedAlarm/];

/**
 * Synthesizes the guard with the profile's props and returns its composite alarm, the warning
 * composite alarms (they notify, never trigger recovery), the alarms their rules refer to (so not
 * the recovery-errors alarm) and the metric filters: what the monitor runs.
 */
export function guardAlarms(connectorName: string, version: KafkaConnectVersion, props: Partial<DebeziumSilentFailureGuardProps>, trigger: TriggerRule = 'guard'): {
  composite: CompositeAlarmDefinition;
  warnings: CompositeAlarmDefinition[];
  alarms: AlarmDefinition[];
  metricFilters: MetricFilterDefinition[];
} {
  const app = new App();
  const stack = new Stack(app, 'Simulation', { env: { account: '123456789012', region: 'ap-northeast-2' } });
  new DebeziumSilentFailureGuard(stack, 'Guard', {
    fleet: trigger === 'member' ? new DebeziumGuardFleet(stack, 'Fleet') : undefined,
    connectorArn: `arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/${connectorName}/00000000-0000-0000-0000-000000000000-1`,
    configBucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'connector-configs'),
    configKey: `debezium/${connectorName}.json`,
    workerLogGroup: logs.LogGroup.fromLogGroupName(stack, 'Logs', `/msk-connect/${connectorName}`),
    serviceExecutionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/msk-connect'),
    kafkaConnectVersion: version,
    connectedMetric: new cloudwatch.Metric({ ...CONNECTED_METRIC, dimensionsMap: { connector: connectorName }, statistic: 'Minimum' }),
    ...props,
  });
  const { alarms, composites, metricFilters } = readTemplate(Template.fromStack(stack).toJSON() as never);
  if (trigger === 'member') {
    // A member has no composite alarm: its fleet's tick acts on any trigger alarm in ALARM, and warns
    // of a silent worker log (offset-commit alarm) while none is.
    const triggers = alarms.filter((a) => MEMBER_TRIGGERS.some((re) => re.test(a.logicalId))).map((a) => a.logicalId);
    const silent = alarms.find((a) => /^GuardOffsetCommitAlarm/.test(a.logicalId))!.logicalId;
    const composite = anyOf('MemberTrigger', triggers);
    const warning: CompositeAlarmDefinition = {
      logicalId: 'MemberLogDelivery',
      text: `ALARM("<${silent}>") AND NOT (${composite.text})`,
      rule: { kind: 'and', operands: [{ kind: 'alarm', logicalId: silent }, { kind: 'not', operand: composite.rule }] },
    };
    return { composite, warnings: [warning], alarms: alarms.filter((a) => a.logicalId === silent || triggers.includes(a.logicalId)), metricFilters };
  }
  const main = composites.filter((c) => /^GuardCompositeAlarm/.test(c.logicalId));
  if (main.length !== 1) {
    throw new Error(`the guard should synthesize one composite alarm that triggers recovery, found ${main.length}`);
  }
  let [composite] = main;
  const warnings = composites.filter((c) => c !== composite);
  if (trigger === 'seed') {
    const ids = SEED_ALARMS.map((re) => alarms.find((a) => re.test(a.logicalId))?.logicalId).filter((id): id is string => id !== undefined);
    composite = anyOf('SeedAnyAlarm', ids);
  }
  const children = [...new Set([composite, ...(trigger === 'seed' ? [] : warnings)].flatMap((c) => ruleAlarms(c.rule)))];
  return {
    composite,
    warnings: trigger === 'seed' ? [] : warnings,
    alarms: children.map((id) => alarms.find((a) => a.logicalId === id)!),
    metricFilters,
  };
}
