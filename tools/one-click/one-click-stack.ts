import { Aws, CfnCondition, CfnOutput, CfnParameter, DefaultStackSynthesizer, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DebeziumSilentFailureGuard } from '../../src/guard';
import { KafkaConnectVersion } from '../../src/kafka-connect-version';
import { RecoveryStrategy } from '../../src/props';
import { ENV, mayRecreate, mayRestart, STRATEGY_NAMES } from '../../src/recovery/constants';
import { RECREATE_ONLY_SIDS, SID } from '../../src/recovery-function/permissions';
import { compositeAlarmDescription } from '../../src/signals/alarm-text';

/** Where `aws cloudformation package` finds the function code, relative to the template's folder. */
export const PACKAGED_CODE_PATH = '../assets/recovery/recovery.lambda';

/**
 * The one-click template: one guard whose inputs are CloudFormation parameters, for teams that
 * deploy with `aws cloudformation deploy` instead of CDK. It needs no CDK bootstrap: the function
 * code is a local path that `aws cloudformation package` uploads (inlined, the 634 KiB bundle would
 * take the template far over the 51,200 bytes `aws cloudformation deploy` accepts without a bucket).
 */
export class OneClickStack extends Stack {
  public readonly guard: DebeziumSilentFailureGuard;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      ...props,
      description: 'cdk-debezium-guard: detects silent failures of one Debezium connector on Amazon MSK Connect and recovers it safely',
      analyticsReporting: false,
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    const param = (name: string, description: string, extra: Partial<ConstructorParameters<typeof CfnParameter>[2]> = {}) =>
      new CfnParameter(this, name, { type: 'String', description, ...extra });

    // The seed template's parameters, then the ones the product needs.
    const connectorArn = param('ConnectorArn', 'ARN of the MSK Connect connector to guard', {
      allowedPattern: '^arn:aws[a-z-]*:kafkaconnect:[a-z0-9-]+:\\d{12}:connector/[^/]+/[^/]+$',
      constraintDescription: 'must be an MSK Connect connector ARN (arn:aws:kafkaconnect:<region>:<account>:connector/<name>/<id>)',
    });
    const bucket = param('ConnectorConfigS3Bucket', 'Bucket holding the connector\'s CreateConnector request JSON', { minLength: 3 });
    const key = param('ConnectorConfigS3Key', 'Key of the CreateConnector request JSON', { minLength: 1 });
    const configKeyArn = param('ConnectorConfigKmsKeyArn',
      'KMS key ARN the stored request is encrypted with, when the bucket uses SSE-KMS with a customer managed key; empty otherwise', {
        default: '',
        allowedPattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/(mrk-)?[0-9a-f-]+)?$',
        constraintDescription: 'must be empty or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
      });
    const email = param('AlertEmail', 'E-mail address for alarm and recovery notifications', {
      allowedPattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
      constraintDescription: 'must be an e-mail address',
    });
    const logGroup = param('WorkerLogGroupName', 'CloudWatch Logs log group the connector\'s worker logs are delivered to', { minLength: 1 });
    const role = param('ServiceExecutionRoleArn', 'The connector\'s service execution role (the only role a recreate may pass)', {
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
      constraintDescription: 'must be an IAM role ARN',
    });
    const strategy = param('RecoveryStrategy',
      'RESTART_THEN_RECREATE: restart in place, re-create only when proven to keep offsets; RESTART_ONLY: never delete; '
      + 'RECREATE: delete and re-create at once, without a restart first, with the same checks; NOTIFY_ONLY: alarms and e-mails only (a first rollout)', {
        allowedValues: Object.values(RecoveryStrategy),
        default: RecoveryStrategy.RESTART_THEN_RECREATE,
      });
    const version = param('KafkaConnectVersion', 'Kafka Connect version of the connector (chooses the offset-commit log line)', {
      allowedValues: ['3.7.x', '2.7.1'],
      default: '3.7.x',
    });

    // arn:aws:kafkaconnect:<region>:<account>:connector/<name>/<id>: the name is the second '/' field.
    const connectorName = Fn.select(1, Fn.split('/', connectorArn.valueAsString));
    const v271 = new CfnCondition(this, 'KafkaConnect271', { expression: Fn.conditionEquals(version.valueAsString, '2.7.1') });
    const pattern = Fn.conditionIf(v271.logicalId,
      KafkaConnectVersion.V2_7_1.commitPattern(connectorName).logPatternString,
      KafkaConnectVersion.V3_7_X.commitPattern(connectorName).logPatternString).toString();

    this.guard = new DebeziumSilentFailureGuard(this, 'Guard', {
      connectorArn: connectorArn.valueAsString,
      connectorName,
      configBucket: s3.Bucket.fromBucketName(this, 'ConfigBucket', bucket.valueAsString),
      configKey: key.valueAsString,
      configEncryptionKey: kms.Key.fromKeyArn(this, 'ConfigEncryptionKey', configKeyArn.valueAsString),
      workerLogGroup: logs.LogGroup.fromLogGroupName(this, 'WorkerLogGroup', logGroup.valueAsString),
      serviceExecutionRole: iam.Role.fromRoleArn(this, 'ServiceExecutionRole', role.valueAsString, { mutable: false }),
      offsetCommitPattern: { logPatternString: pattern },
      alertEmails: [email.valueAsString],
    });
    const fn = this.guard.recoveryFunction.node.defaultChild as lambda.CfnFunction;
    fn.addPropertyOverride('Code', PACKAGED_CODE_PATH);

    // The guard is built with the widest strategy; the parameter then picks the strategy the function
    // follows, and the statements only a recreate needs exist only when the strategy may recreate.
    fn.addPropertyOverride(`Environment.Variables.${ENV.STRATEGY}`, strategy.valueAsString);
    (this.guard.compositeAlarm!.node.defaultChild as cloudwatch.CfnCompositeAlarm).alarmDescription =
      compositeAlarmDescription(connectorName, strategy.valueAsString);
    const is = (name: string) => Fn.conditionEquals(strategy.valueAsString, name);
    const recreating = new CfnCondition(this, 'StrategyMayRecreate', { expression: Fn.conditionOr(...STRATEGY_NAMES.filter(mayRecreate).map(is)) });
    onlyIf(this.guard.recoveryRole, recreating, ...RECREATE_ONLY_SIDS);
    const restarting = new CfnCondition(this, 'StrategyMayRestart', {
      expression: Fn.conditionNot(Fn.conditionOr(...STRATEGY_NAMES.filter((name) => !mayRestart(name)).map(is))),
    });
    onlyIf(this.guard.recoveryRole, restarting, SID.RESTART_CONNECTOR);
    // kms:Decrypt on the config key only when one is given: an empty Resource would be a malformed policy.
    const decryptConfig = new CfnCondition(this, 'StrategyMayRecreateAndConfigKeyGiven', {
      expression: Fn.conditionAnd(recreating, Fn.conditionNot(Fn.conditionEquals(configKeyArn.valueAsString, ''))),
    });
    onlyIf(this.guard.recoveryRole, decryptConfig, SID.DECRYPT_STORED_CREATE_CONNECTOR_REQUEST);
    // What operators need by name: the function for manual invocations, the alarm for the maintenance switch.
    new CfnOutput(this, 'RecoveryFunctionName', { value: this.guard.recoveryFunction.functionName, description: 'aws lambda invoke --function-name <this>' });
    new CfnOutput(this, 'CompositeAlarmName', { value: this.guard.compositeAlarm!.alarmName, description: 'disable its actions to pause the guard' });
    new CfnOutput(this, 'TopicArn', { value: this.guard.topic.topicArn, description: 'alarm and recovery notifications' });
    this.templateOptions.metadata = {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [
          { Label: { default: 'Connector' }, Parameters: ['ConnectorArn', 'KafkaConnectVersion', 'WorkerLogGroupName', 'ServiceExecutionRoleArn'] },
          { Label: { default: 'Recovery' }, Parameters: ['RecoveryStrategy'] },
          { Label: { default: 'Stored CreateConnector request' }, Parameters: ['ConnectorConfigS3Bucket', 'ConnectorConfigS3Key', 'ConnectorConfigKmsKeyArn'] },
          { Label: { default: 'Notifications' }, Parameters: ['AlertEmail'] },
        ],
      },
    };
  }
}

/** Wraps the statements `sids` of the role's one inline policy in `Fn::If`, so they exist only when `condition` holds. */
function onlyIf(role: iam.IRole, condition: CfnCondition, ...sids: string[]): void {
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  const policies = Stack.of(role).resolve(cfnRole.policies) as { policyDocument: { Statement: { Sid?: string }[] } }[];
  for (const sid of sids) {
    const index = policies.length === 1 ? policies[0].policyDocument.Statement.findIndex((s) => s.Sid === sid) : -1;
    if (index < 0) {
      throw new Error(`one-click: expected one inline policy with statement ${sid} on ${role.node.path}`);
    }
    const statement = policies[0].policyDocument.Statement[index];
    cfnRole.addPropertyOverride(`Policies.0.PolicyDocument.Statement.${index}`, Fn.conditionIf(condition.logicalId, statement, Aws.NO_VALUE));
  }
}
