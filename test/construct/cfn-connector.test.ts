import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ACCOUNT, newStack, quickStartProps, REGION, ROLE_ARN } from './fixtures';
import { DebeziumGuardCfnConnectorProps, DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';
import { NAG_MAJORS, nagFindings } from '../nag-findings';

/** A connector as a CDK app defines it: CloudFormation owns it. */
function ordersConnector(stack: Stack, name: string = 'orders-cdc'): kafkaconnect.CfnConnector {
  return new kafkaconnect.CfnConnector(stack, 'OrdersCdc', {
    connectorName: name,
    capacity: { provisionedCapacity: { mcuCount: 1, workerCount: 1 } },
    connectorConfiguration: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': '1' },
    kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-1.msk:9098', vpc: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } } },
    kafkaClusterClientAuthentication: { authenticationType: 'IAM' },
    kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
    kafkaConnectVersion: '3.7.x',
    plugins: [{ customPlugin: { customPluginArn: `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:custom-plugin/debezium/abc`, revision: 1 } }],
    serviceExecutionRoleArn: ROLE_ARN,
  });
}

function cfnProps(stack: Stack, overrides: Partial<DebeziumGuardCfnConnectorProps> = {}): DebeziumGuardCfnConnectorProps {
  return {
    workerLogGroup: logs.LogGroup.fromLogGroupName(stack, `Logs${stack.node.children.length}`, '/msk-connect/orders-cdc'),
    alertEmails: ['oncall@example.com'],
    ...overrides,
  };
}

/** Asserts some of the recovery function's environment variables (`Match.absent()` for one that must not be set). */
function hasEnvironment(template: Template, variables: Record<string, unknown>): void {
  template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike(variables) } });
}

function fromCfnConnector(overrides: Partial<DebeziumGuardCfnConnectorProps> = {}) {
  const stack = newStack();
  const connector = ordersConnector(stack);
  const guard = DebeziumSilentFailureGuard.fromCfnConnector(stack, 'OrdersCdcGuard', connector, cfnProps(stack, overrides));
  return { stack, connector, guard, template: Template.fromStack(stack) };
}

describe('a guard from a CfnConnector (CloudFormation-managed)', () => {
  test('takes the name from the connector and restarts in place only, by default', () => {
    // WHEN
    const { guard, template } = fromCfnConnector();
    // THEN
    expect(guard.connectorName).toBe('orders-cdc');
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'orders-cdc-debezium-guard' });
    hasEnvironment(template, { GUARD_CONNECTOR_NAME: 'orders-cdc', GUARD_STRATEGY: 'RESTART_ONLY', GUARD_CLOUDFORMATION_MANAGED: 'true' });
  });

  test('needs no stored request and passes no role: those variables are not set', () => {
    const { template } = fromCfnConnector();
    const absent = Match.absent();
    hasEnvironment(template, {
      GUARD_CONFIG_BUCKET: absent, GUARD_CONFIG_KEY: absent, GUARD_CONFIG_BUCKET_OWNER: absent, GUARD_SERVICE_EXECUTION_ROLE_ARN: absent,
    });
  });

  test('its role can restart but never delete, create, pass a role or read a stored request', () => {
    const { template } = fromCfnConnector();
    const [role] = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    const statements = role.Properties.Policies[0].PolicyDocument.Statement as any[];
    expect(statements.map((s) => s.Sid)).toEqual(['WriteOwnLogs', 'ReadGuardAlarm', 'RecoveryRecord', 'Notify', 'ListConnectors', 'CountOffsetCommits', 'FindTriggerRules', 'ReadTriggerRules', 'RestartConnector', 'FollowConnectorOperations']);
    expect(JSON.stringify(statements)).not.toMatch(/DeleteConnector|CreateConnector|iam:PassRole|s3:GetObject|ec2:/);
  });

  test('NOTIFY_ONLY is accepted', () => {
    const { template } = fromCfnConnector({ recoveryStrategy: RecoveryStrategy.NOTIFY_ONLY });
    hasEnvironment(template, { GUARD_STRATEGY: 'NOTIFY_ONLY', GUARD_CLOUDFORMATION_MANAGED: 'true' });
  });

  test.each([RecoveryStrategy.RESTART_THEN_RECREATE, RecoveryStrategy.RECREATE])('a strategy that re-creates (%s) is a synth error', (strategy) => {
    expect(() => fromCfnConnector({ recoveryStrategy: strategy })).toThrow(new Error(
      'Invalid DebeziumSilentFailureGuard props at TestStack/OrdersCdcGuard:\n- recoveryStrategy must be RESTART_ONLY or NOTIFY_ONLY for a connector that CloudFormation manages (fromCfnConnector), '
      + `got ${strategy}: re-created behind CloudFormation's back, it would get a new ARN its stack does not know; `
      + 'to replace the connector, change it in its own stack and deploy that'));
  });

  test('every guard resource waits for the connector', () => {
    const { template } = fromCfnConnector();
    const connectorId = Object.keys(template.findResources('AWS::KafkaConnect::Connector'))[0];
    const resources = Object.entries(template.toJSON().Resources as Record<string, any>).filter(([id]) => id.startsWith('OrdersCdcGuard'));
    expect(resources.length).toBeGreaterThan(10);
    for (const [, resource] of resources) {
      expect(resource.DependsOn).toContain(connectorId);
    }
  });

  test('a connector in another stack: the guard\'s stack depends on it, and imports nothing from it', () => {
    // GIVEN
    const app = new App();
    const env = { account: ACCOUNT, region: REGION };
    const connectorStack = new Stack(app, 'Connectors', { env });
    const guardStack = new Stack(app, 'Guards', { env });
    const connector = ordersConnector(connectorStack);
    // WHEN
    DebeziumSilentFailureGuard.fromCfnConnector(guardStack, 'OrdersCdcGuard', connector, cfnProps(guardStack));
    // THEN
    const template = Template.fromStack(guardStack);
    expect(guardStack.dependencies.map((s) => s.stackName)).toEqual([connectorStack.stackName]);
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });

  test('the connector\'s name from a token is used as a token', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'ConnectorName').valueAsString;
    const guard = DebeziumSilentFailureGuard.fromCfnConnector(stack, 'OrdersCdcGuard', ordersConnector(stack, name), cfnProps(stack));
    expect(guard.connectorName).toBe(name);
    hasEnvironment(Template.fromStack(stack), { GUARD_CONNECTOR_NAME: { Ref: 'ConnectorName' } });
  });

  test('the same connector guarded from its CfnConnector and by ARN is an error', () => {
    const { stack } = fromCfnConnector();
    expect(() => new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard2', quickStartProps(stack))).toThrow(new Error(
      'connectorName "orders-cdc" is already guarded by TestStack/OrdersCdcGuard; a connector takes exactly one DebeziumSilentFailureGuard'));
  });

  test('an ordinary guard does not set GUARD_CLOUDFORMATION_MANAGED', () => {
    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'OrdersCdcGuard', quickStartProps(stack, { recoveryStrategy: RecoveryStrategy.RESTART_ONLY }));
    hasEnvironment(Template.fromStack(stack), { GUARD_CONFIG_BUCKET: 'connector-configs', GUARD_CLOUDFORMATION_MANAGED: Match.absent() });
  });

  test.each(NAG_MAJORS)('cdk-nag %s AwsSolutions: nothing unacknowledged', (major) => {
    const { stack } = fromCfnConnector();
    expect(nagFindings(stack, major).filter((f) => f.includes('OrdersCdcGuard'))).toEqual([]);
  });
});
