import { Aspects, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newStack, quickStartProps } from './fixtures';
import { DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';

/** Every AwsSolutions error or warning cdk-nag reports on the stack (suppressed ones are not reported). */
function findings(stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks());
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((m) => `${/^(\S+): /.exec(String(m.entry.data))?.[1]} @ ${m.id}`);
}

describe('cdk-nag AwsSolutions', () => {
  test.each([
    { case: 'quick start in a concrete environment', env: { account: '123456789012', region: 'ap-northeast-2' }, token: false, strategy: undefined },
    { case: 'environment-agnostic stack', env: {}, token: false, strategy: undefined },
    { case: 'connector ARN and name from parameters', env: {}, token: true, strategy: undefined },
    { case: 'restart-only strategy', env: { account: '123456789012', region: 'ap-northeast-2' }, token: false, strategy: RecoveryStrategy.RESTART_ONLY },
  ])('$case: nothing unacknowledged', ({ env, token, strategy }) => {
    // GIVEN
    const stack = newStack(env);
    const overrides = token
      ? { connectorArn: new CfnParameter(stack, 'ConnectorArn').valueAsString, connectorName: new CfnParameter(stack, 'ConnectorName').valueAsString }
      : {};
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { ...overrides, recoveryStrategy: strategy }));
    // THEN
    expect(findings(stack)).toEqual([]);
  });

  test('without the acknowledgements the wildcard findings are real (so the test above can fail)', () => {
    // GIVEN a guard whose policy carries no acknowledgement
    const stack = newStack();
    const guard = new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    (guard.recoveryRole.node.defaultChild as any).cfnOptions.metadata = {};
    // THEN
    expect(findings(stack)).toEqual([
      'AwsSolutions-IAM5[Resource::*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector-operation/orders-cdc/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:worker-configuration/*] @ /TestStack/OrdersCdcGuard/RecoveryRole/Resource',
    ]);
  });

  test('each acknowledgement names one finding and a reason', () => {
    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(role.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/^Resource::\*: kafkaconnect:ListConnectors, kafkaconnect:CreateConnector and the EC2\/CloudWatch Logs delivery actions/),
      applies_to: [
        'Resource::*',
        'Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/*',
        'Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:connector-operation/orders-cdc/*',
        'Resource::arn:<AWS::Partition>:kafkaconnect:ap-northeast-2:123456789012:worker-configuration/*',
      ],
    }]);
  });
});
