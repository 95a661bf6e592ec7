/**
 * The example app's test, written the way a consuming team would: fine-grained assertions for
 * what matters to them, plus one snapshot with the guard's asset hash masked (it changes only when
 * a cdk-debezium-guard release changes the recovery function).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CdcGuardsStack } from '../../examples/two-connectors/stack';

// What the README recommends, verbatim: mask the bundled function's asset hash.
expect.addSnapshotSerializer({
  test: (val) => typeof val === 'string' && /[0-9a-f]{64}\.zip/.test(val),
  serialize: (val) => JSON.stringify(val.replace(/[0-9a-f]{64}\.zip/g, 'ASSET.zip')),
});

describe('example: two connectors in one stack, one fleet', () => {
  const app = new App();
  const stack = new CdcGuardsStack(app, 'CdcGuards', { env: { account: '123456789012', region: 'ap-northeast-2' } });
  const template = Template.fromStack(stack);

  test('one fleet: one recovery function, table and topic; per connector its stall alarm, registered with the fleet, and no composite alarm', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // Per connector: stall, tasks and offset commits; orders-cdc's Connected alarm; the fleet's recovery-errors alarm.
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2 * 3 + 1 + 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'payments-cdc-debezium-guard-stall',
      Tags: Match.arrayWith([{ Key: 'debezium-guard:config-key', Value: 'debezium/payments-cdc.json' }]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GUARD_STRATEGY: 'RESTART_THEN_RECREATE', GUARD_FLEET_ID: 'CdcGuards-CdcFleet-A02C170C' }) },
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '"WorkerSourceTask{id=payments-cdc-" "Finished commitOffsets successfully"',
    });
  });

  test('snapshot, with the asset hash masked', () => {
    // The README's serializer is all a consumer needs: the asset's .zip key is the only hash in the template.
    expect(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}\.zip/g, '')).not.toMatch(/[0-9a-f]{64}/);
    expect(template.toJSON()).toMatchSnapshot();
  });
});
