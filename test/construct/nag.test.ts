import { CfnParameter, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { newStack, quickStartProps } from './fixtures';
import { DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';
import { NAG_MAJORS, nagFindings } from '../nag-findings';

describe.each(NAG_MAJORS)('cdk-nag %s AwsSolutions', (major) => {
  test.each([
    { case: 'quick start in a concrete environment', env: { account: '123456789012', region: 'ap-northeast-2' }, token: false, strategy: undefined },
    { case: 'environment-agnostic stack', env: {}, token: false, strategy: undefined },
    { case: 'connector ARN and name from parameters', env: {}, token: true, strategy: undefined },
    { case: 'restart-only strategy', env: { account: '123456789012', region: 'ap-northeast-2' }, token: false, strategy: RecoveryStrategy.RESTART_ONLY },
    { case: 'notify-only strategy', env: { account: '123456789012', region: 'ap-northeast-2' }, token: false, strategy: RecoveryStrategy.NOTIFY_ONLY },
  ])('$case: nothing unacknowledged', ({ env, token, strategy }) => {
    // GIVEN
    const stack = newStack(env);
    const overrides = token
      ? { connectorArn: new CfnParameter(stack, 'ConnectorArn').valueAsString, connectorName: new CfnParameter(stack, 'ConnectorName').valueAsString }
      : {};
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { ...overrides, recoveryStrategy: strategy }));
    // THEN
    expect(nagFindings(stack, major)).toEqual([]);
  });

  test('without the acknowledgements the wildcard findings are real (so the test above can fail)', () => {
    // GIVEN a guard whose policy carries no acknowledgement
    const stack = newStack();
    const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    const role = guard.recoveryRole.node.defaultChild as any;
    role.cfnOptions.metadata = {};
    role.node._metadata = role.node.metadata.filter((m: { type: string }) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    // THEN
    expect(nagFindings(stack, major)).toEqual([
      'AwsSolutions-IAM5[Resource::*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:ap-northeast-2:123456789012:rule/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector-operation/orders-cdc/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:worker-configuration/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
    ]);
  });

});

describe('cdk-nag acknowledgements', () => {
  const FINDINGS = [
    'Resource::*',
    'Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/*',
    'Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector-operation/orders-cdc/*',
    'Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:worker-configuration/*',
    'Resource::arn:<AWS::Partition>:events:ap-northeast-2:123456789012:rule/*',
  ];

  test('v3 form: one Validations record per finding, keyed Rule[Finding], each with its reason', () => {
    const stack = newStack();
    const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    const records = guard.recoveryRole.node.defaultChild!.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((m) => m.data as Record<string, string>);
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0])).toEqual(FINDINGS.map((f) => `AwsSolutions-IAM5[${f}]`));
    expect(records[0]['AwsSolutions-IAM5[Resource::*]']).toMatch(/^kafkaconnect:ListConnectors, cloudwatch:GetMetricStatistics \(read-only: the drill's count of offset commits\), events:ListRuleNamesByTarget \(read-only: the drill finds the rules that target the function\), kafkaconnect:CreateConnector and the EC2\/CloudWatch Logs delivery actions/);
    Object.values(records[0]).forEach((reason) => expect(reason.length).toBeGreaterThan(40));
  });

  test('v2 form: the cdk_nag template metadata names each finding and a reason', () => {
    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(role.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/^Resource::\*: kafkaconnect:ListConnectors, cloudwatch:GetMetricStatistics \(read-only: the drill's count of offset commits\), events:ListRuleNamesByTarget \(read-only: the drill finds the rules that target the function\), kafkaconnect:CreateConnector and the EC2\/CloudWatch Logs delivery actions/),
      applies_to: FINDINGS,
    }]);
  });
});
