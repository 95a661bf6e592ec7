import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ACCOUNT, newStack, quickStartProps, REGION } from './fixtures';
import { DebeziumSilentFailureGuard, KafkaConnectVersion } from '../../src';
import { compileFilterPattern } from '../../tools/simulate/filter-pattern';

const arnOf = (name: string) => `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:connector/${name}/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3`;
const commitLine = (name: string, task = 0) => `INFO [${name}|task-${task}|offsets] WorkerSourceTask{id=${name}-${task}} Committing offsets for 90 acknowledged messages`;

/** The synthesized filter pattern of each guard's metric filter, by connector name (its metric name). */
function patterns(...stacks: Stack[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stack of stacks) {
    for (const filter of Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter')) as any[]) {
      out[filter.Properties.MetricTransformations[0].MetricName] = filter.Properties.FilterPattern;
    }
  }
  return out;
}

describe('connectors whose names extend another guarded connector\'s (they may share its log group)', () => {
  test('a guard excludes the task lines of guarded connectors whose names extend its own, and only those', () => {
    const stack = newStack();
    const shared = logs.LogGroup.fromLogGroupName(stack, 'Shared', '/msk-connect/cdc');
    for (const name of ['orders-cdc', 'orders-cdc-v2', 'orders-cdc-1', 'orders']) {
      new DebeziumSilentFailureGuard(stack, `${name}Guard`, quickStartProps(stack, { connectorArn: arnOf(name), workerLogGroup: shared }));
    }
    expect(patterns(stack)).toEqual({
      'orders': '"WorkerSourceTask{id=orders-" "Committing offsets for" -"WorkerSourceTask{id=orders-cdc-" -"WorkerSourceTask{id=orders-cdc-1-" -"WorkerSourceTask{id=orders-cdc-v2-"',
      'orders-cdc': '"WorkerSourceTask{id=orders-cdc-" "Committing offsets for" -"WorkerSourceTask{id=orders-cdc-1-" -"WorkerSourceTask{id=orders-cdc-v2-"',
      'orders-cdc-1': '"WorkerSourceTask{id=orders-cdc-1-" "Committing offsets for"',
      'orders-cdc-v2': '"WorkerSourceTask{id=orders-cdc-v2-" "Committing offsets for"',
    });
  });

  test('each pattern then counts its own connector\'s commits and no other\'s (task 1 of orders-cdc is not connector orders-cdc-1)', () => {
    const stack = newStack();
    const shared = logs.LogGroup.fromLogGroupName(stack, 'Shared', '/msk-connect/cdc');
    const names = ['orders-cdc', 'orders-cdc-v2', 'orders-cdc-1'];
    for (const name of names) {
      new DebeziumSilentFailureGuard(stack, `${name}Guard`, quickStartProps(stack, { connectorArn: arnOf(name), workerLogGroup: shared }));
    }
    const compiled = patterns(stack);
    for (const guarded of names) {
      const matches = compileFilterPattern(compiled[guarded]);
      for (const writer of names) {
        for (const task of [0, 1, 12]) {
          const counted = matches(commitLine(writer, task));
          expect({ guarded, writer, task, counted }).toEqual({ guarded, writer, task, counted: writer === guarded });
        }
      }
    }
  });

  test('log groups are not compared: a log group owned here and imported by name there, or another log group, another stack', () => {
    const app = new App();
    const a = newStack(undefined, app);
    const b = new Stack(app, 'Other', { env: { account: ACCOUNT, region: REGION } });
    const owned = new logs.LogGroup(a, 'Owned', { logGroupName: '/msk/shared' });
    new DebeziumSilentFailureGuard(a, 'Orders', quickStartProps(a, { connectorArn: arnOf('orders'), workerLogGroup: owned }));
    // The same log group, imported by name in another stack: its name is a literal there and a Ref here.
    new DebeziumSilentFailureGuard(b, 'OrdersV2', quickStartProps(b, { connectorArn: arnOf('orders-v2'), workerLogGroup: logs.LogGroup.fromLogGroupName(b, 'Imp', '/msk/shared') }));
    // Another log group: excluding its connector costs nothing, as orders' own tasks are orders-<digits>.
    new DebeziumSilentFailureGuard(a, 'OrdersV3', quickStartProps(a, { connectorArn: arnOf('orders-v3'), workerLogGroup: new logs.LogGroup(a, 'Other') }));
    new DebeziumSilentFailureGuard(b, 'Payments', quickStartProps(b, { connectorArn: arnOf('payments') }));
    const found = patterns(a, b);
    expect(found.orders).toBe('"WorkerSourceTask{id=orders-" "Committing offsets for" -"WorkerSourceTask{id=orders-v2-" -"WorkerSourceTask{id=orders-v3-"');
    expect(found.payments).toBe('"WorkerSourceTask{id=payments-" "Committing offsets for"');
    expect(compileFilterPattern(found.orders)(commitLine('orders', 3))).toBe(true);
    expect(compileFilterPattern(found.orders)(commitLine('orders-v2', 3))).toBe(false);
  });

  test('a connector name that is a token gets the plain pattern (its neighbours cannot be compared at synth time)', () => {
    const stack = newStack();
    const shared = logs.LogGroup.fromLogGroupName(stack, 'Shared', '/msk-connect/cdc');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    new DebeziumSilentFailureGuard(stack, 'Param', quickStartProps(stack, { connectorArn: new CfnParameter(stack, 'Arn').valueAsString, connectorName: name, workerLogGroup: shared }));
    new DebeziumSilentFailureGuard(stack, 'Literal', quickStartProps(stack, { connectorArn: arnOf('orders-cdc-v2'), workerLogGroup: shared }));
    const filters = Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter')) as any[];
    expect(filters.map((f) => f.Properties.FilterPattern)).toEqual([
      { 'Fn::Join': ['', ['"WorkerSourceTask{id=', { Ref: 'Name' }, '-" "Committing offsets for"']] },
      '"WorkerSourceTask{id=orders-cdc-v2-" "Committing offsets for"',
    ]);
  });

  test('a custom offsetCommitPattern is used as given', () => {
    const stack = newStack();
    const shared = logs.LogGroup.fromLogGroupName(stack, 'Shared', '/msk-connect/cdc');
    new DebeziumSilentFailureGuard(stack, 'A', quickStartProps(stack, { connectorArn: arnOf('orders'), workerLogGroup: shared, offsetCommitPattern: logs.FilterPattern.literal('"orders" "flushed"') }));
    new DebeziumSilentFailureGuard(stack, 'B', quickStartProps(stack, { connectorArn: arnOf('orders-v2'), workerLogGroup: shared }));
    expect(patterns(stack).orders).toBe('"orders" "flushed"');
  });
});

describe('KafkaConnectVersion.commitPattern with connectors to exclude', () => {
  test('excludes only names extending the connector\'s, once each, sorted', () => {
    expect(KafkaConnectVersion.V2_7_1.commitPattern('orders', ['payments', 'orders-v2', 'ord', 'orders-b', 'orders-v2', 'orders']).logPatternString)
      .toBe('"WorkerSourceTask{id=orders-" "Finished commitOffsets successfully" -"WorkerSourceTask{id=orders-b-" -"WorkerSourceTask{id=orders-v2-"');
  });

  test('excluded names are quoted and escaped like the required terms', () => {
    const pattern = KafkaConnectVersion.V3_7_X.commitPattern('a', ['a-"b\\c']).logPatternString;
    expect(pattern).toBe('"WorkerSourceTask{id=a-" "Committing offsets for" -"WorkerSourceTask{id=a-\\"b\\\\c-"');
    const matches = compileFilterPattern(pattern);
    expect(matches('WorkerSourceTask{id=a-"b\\c-0} Committing offsets for 1 acknowledged messages')).toBe(false);
    expect(matches('WorkerSourceTask{id=a-0} Committing offsets for 1 acknowledged messages')).toBe(true);
  });

  test('a pattern over CloudWatch Logs\' 1,024 characters is an error naming the connectors and the fixes', () => {
    const many = Array.from({ length: 8 }, (_, i) => `orders-${'x'.repeat(120)}${i}`);
    expect(() => KafkaConnectVersion.V3_7_X.commitPattern('orders', many))
      .toThrow(/offset-commit filter pattern of connector "orders" would be \d+ characters, over CloudWatch Logs' 1024, because it excludes 8 connectors .* set offsetCommitPattern to a pattern excluding only those that share its log group/);
  });
});
