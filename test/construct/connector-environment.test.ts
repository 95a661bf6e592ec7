import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, newStack, ORDERS_ARN, quickStartProps, REGION } from './fixtures';
import { DebeziumSilentFailureGuard } from '../../src';

const REGION_ASSERTION = {
  Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, REGION] },
  AssertDescription: `connectorArn of TestStack/OrdersCdcGuard is in region ${REGION}, account ${ACCOUNT}, but this stack deploys to another region, where the guard would watch nothing; deploy the stack to region ${REGION} (set its env), or guard a connector of this region`,
};
const ACCOUNT_ASSERTION = {
  Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, ACCOUNT] },
  AssertDescription: `connectorArn of TestStack/OrdersCdcGuard is in region ${REGION}, account ${ACCOUNT}, but this stack deploys to another account, where the guard would watch nothing; deploy the stack to account ${ACCOUNT} (set its env), or guard a connector of this account`,
};

/** The template's Rules other than CDK's own bootstrap-version check. */
function guardRules(stack: Stack): Record<string, any> {
  const rules = { ...(Template.fromStack(stack).toJSON().Rules ?? {}) };
  delete rules.CheckBootstrapVersion;
  return rules;
}

describe('a literal connectorArn in an environment-agnostic stack fails the deploy elsewhere', () => {
  test('the README quick start without env asserts the ARN\'s region and account at deploy time', () => {
    // GIVEN
    const stack = newStack({});
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    // THEN
    expect(guardRules(stack)).toEqual({
      OrdersCdcGuardConnectorEnvironmentF63564C0: { Assertions: [REGION_ASSERTION, ACCOUNT_ASSERTION] },
    });
  });

  test('a stack with only its region set asserts only the account', () => {
    const stack = newStack({ region: REGION });
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    expect(Object.values(guardRules(stack))).toEqual([{ Assertions: [ACCOUNT_ASSERTION] }]);
  });

  test('a stack with only its account set asserts only the region', () => {
    const stack = newStack({ account: ACCOUNT });
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    expect(Object.values(guardRules(stack))).toEqual([{ Assertions: [REGION_ASSERTION] }]);
  });

  test('a stack with only its region set, another than the ARN\'s, is a synth error', () => {
    const stack = newStack({ region: 'us-east-1' });
    expect(() => new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack))).toThrow(new Error(
      'Invalid DebeziumSilentFailureGuard props at TestStack/OrdersCdcGuard:\n- connectorArn is in region ap-northeast-2 but the stack deploys to us-east-1; deploy the guard in the connector\'s region'));
  });

  test('two guards in one stack get a rule each, named after the guard', () => {
    // GIVEN
    const stack = newStack({});
    // WHEN
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack));
    new DebeziumSilentFailureGuard(stack, 'PaymentsCdcGuard', quickStartProps(stack, {
      connectorArn: ORDERS_ARN.replace('orders-cdc', 'payments-cdc').replace(REGION, 'eu-west-1'),
    }));
    // THEN
    const rules = guardRules(stack);
    expect(Object.keys(rules)).toEqual(['OrdersCdcGuardConnectorEnvironmentF63564C0', 'PaymentsCdcGuardConnectorEnvironment0B32AD39']);
    expect(rules.PaymentsCdcGuardConnectorEnvironment0B32AD39.Assertions[0].Assert).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] });
  });

  test.each([
    { case: 'a concrete environment (compared at synth time instead)', env: { account: ACCOUNT, region: REGION }, token: false },
    { case: 'a token ARN (nothing to compare)', env: {}, token: true },
  ])('no rule with $case', ({ env, token }) => {
    const stack = new Stack(new App(), 'TestStack', { env });
    const connectorArn = token ? new CfnParameter(stack, 'ConnectorArn').valueAsString : ORDERS_ARN;
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { connectorArn, connectorName: 'orders-cdc' }));
    expect(guardRules(stack)).toEqual({});
  });
});
