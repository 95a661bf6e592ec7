import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { DebeziumGuardWarnings } from './warnings';

/**
 * Lets CloudWatch alarms of the stack's account and Region use the KMS key of the guard's topic:
 * CloudWatch publishes alarm notifications itself, and without `kms:Decrypt` and
 * `kms:GenerateDataKey*` on the topic's key they are dropped without an error anywhere but the
 * alarm history. The conditions keep the grant to this account's alarms (confused deputy).
 *
 * An imported key's policy cannot be changed from here: the guard then warns at synth time with the
 * exact statement to add.
 *
 * @param prop the prop the key came from, for the warning
 */
export function allowAlarmsToUseTopicKey(scope: Construct, key: kms.IKey, prop: string): void {
  const stack = Stack.of(scope);
  // The partition as a token, as everywhere in the guard's policies: feature flags must not change the template.
  const statement = alarmKeyStatement(Aws.PARTITION, stack.region, stack.account);
  if (key.addToResourcePolicy(statement).statementAdded) {
    return;
  }
  // The warning shows literals where the stack knows them, and <placeholders> where it does not.
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const partition = (region ? RegionInfo.get(region).partition : undefined) ?? '<partition>';
  const account = Token.isUnresolved(stack.account) ? '<account>' : stack.account;
  const wanted = alarmKeyStatement(partition, region ?? '<region>', account);
  Annotations.of(scope).addWarningV2(DebeziumGuardWarnings.TOPIC_KEY_POLICY_NOT_UPDATED,
    `${prop} is an imported KMS key, so the guard cannot add to its key policy. Add this statement to the key policy yourself, `
    + 'or CloudWatch cannot publish the guard\'s alarm notifications to the encrypted topic and they are lost without an error: '
    + JSON.stringify(stack.resolve(wanted.toStatementJson())));
}

/** The key-policy statement CloudWatch alarms need to publish to a topic encrypted with the key. */
function alarmKeyStatement(partition: string, region: string, account: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    },
  });
}
