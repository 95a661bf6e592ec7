import { Aws, CfnRule, Fn, Stack, Token, type ICfnRuleConditionExpression } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { parseConnectorArn } from './connector-arn';

/** The account and region of a guarded connector, as far as synthesis can tell (undefined: known only at deploy time). */
export interface ConnectorEnvironment {
  readonly account?: string;
  readonly region?: string;
}

/**
 * Where the guard's connector lives: the account and region of a literal `connectorArn`, else the
 * stack's (when they are not tokens).
 *
 * A guard in another account or region than its connector watches metrics and permits actions
 * where the connector is not, and never fires. A concrete stack environment is compared at synth
 * time (`validateProps`); for a literal ARN in a stack whose account or region is decided at
 * deploy time (no `env`), this adds a CloudFormation rule, `ConnectorEnvironment`, that fails the
 * deploy anywhere else. A token ARN adds nothing.
 */
export function assertConnectorEnvironment(guard: Construct, connectorArn: string): ConnectorEnvironment {
  const stack = Stack.of(guard);
  const arn = parseConnectorArn(connectorArn);
  if (!arn) {
    return { account: literal(stack.account), region: literal(stack.region) };
  }
  const where = `region ${arn.region}, account ${arn.account}`;
  const assertions: { assert: ICfnRuleConditionExpression; assertDescription: string }[] = [];
  if (Token.isUnresolved(stack.region)) {
    assertions.push({
      assert: Fn.conditionEquals(Aws.REGION, arn.region),
      assertDescription: `connectorArn of ${guard.node.path} is in ${where}, but this stack deploys to another region, where the guard would watch nothing; deploy the stack to region ${arn.region} (set its env), or guard a connector of this region`,
    });
  }
  if (Token.isUnresolved(stack.account)) {
    assertions.push({
      assert: Fn.conditionEquals(Aws.ACCOUNT_ID, arn.account),
      assertDescription: `connectorArn of ${guard.node.path} is in ${where}, but this stack deploys to another account, where the guard would watch nothing; deploy the stack to account ${arn.account} (set its env), or guard a connector of this account`,
    });
  }
  if (assertions.length > 0) {
    new CfnRule(guard, 'ConnectorEnvironment', { assertions });
  }
  return { account: arn.account, region: arn.region };
}

function literal(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}
