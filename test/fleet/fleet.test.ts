import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DebeziumGuardFleet, DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';
import { quickStartProps, newStack } from '../construct/fixtures';
import { NAG_MAJORS, nagFindings } from '../nag-findings';
import { memberGuard } from './fixtures';

const FLEET_OWNED = ['AWS::Lambda::Function', 'AWS::DynamoDB::Table', 'AWS::IAM::Role', 'AWS::Logs::LogGroup', 'AWS::Events::Rule', 'AWS::SNS::Topic'];

/** A fleet of the given connectors in one stack. */
function fleetOf(names: string[], props = {}): { stack: Stack; fleet: DebeziumGuardFleet; guards: DebeziumSilentFailureGuard[] } {
  const stack = newStack();
  const fleet = new DebeziumGuardFleet(stack, 'Fleet', { alertEmails: ['oncall@example.com'], ...props });
  return { stack, fleet, guards: names.map((name) => memberGuard(stack, fleet, name)) };
}

/** Resources of each type. */
function countByType(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values<{ Type: string }>(template.toJSON().Resources)) {
    counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  }
  return counts;
}

describe('a fleet of two guards', () => {
  const { stack, fleet, guards } = fleetOf(['orders', 'customers']);
  const template = Template.fromStack(stack);

  test('shares one function, role, log group, table, tick and topic', () => {
    const counts = countByType(template);
    for (const type of FLEET_OWNED) {
      expect([type, counts[type]]).toEqual([type, 1]);
    }
    for (const guard of guards) {
      expect(guard.recoveryFunction).toBe(fleet.recoveryFunction);
      expect(guard.stateTable).toBe(fleet.stateTable);
      expect(guard.topic).toBe(fleet.topic);
      expect(guard.reconcileRule).toBe(fleet.reconcileRule);
    }
  });

  test('each guard keeps its metric filter and three alarms, no composite alarm and no action; the fleet\'s digest reports them', () => {
    const counts = countByType(template);
    expect(counts['AWS::Logs::MetricFilter']).toBe(2);
    // Stall, tasks and offset commits per guard, and the fleet's one recovery-errors alarm.
    expect(counts['AWS::CloudWatch::Alarm']).toBe(2 * 3 + 1);
    expect(counts['AWS::CloudWatch::CompositeAlarm']).toBeUndefined();
    // No member alarm sends an e-mail of its own: 30 connectors alarming at once make one digest, not 30 e-mails.
    for (const signal of ['stall', 'tasks', 'offset-commits']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `orders-debezium-guard-${signal}`, AlarmActions: Match.absent(), OKActions: Match.absent(),
      });
    }
    const [orders] = guards;
    expect([orders.compositeAlarm, orders.logDeliveryAlarm, orders.offsetCommitGapAlarm, orders.noProductionAlarm, orders.crashLoopAlarm]).toEqual([
      undefined, undefined, undefined, undefined, undefined,
    ]);
    expect(orders.stallAlarm?.alarmName).toBeDefined();
    expect(orders.taskAlarm?.alarmName).toBeDefined();
  });

  test('the stall alarm: no commit, no poll, no write, in 2 of 2 one-minute periods; the task alarm: a task in error or too few running, in 2 of 5', () => {
    const expressions = (name: string) => {
      const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.AlarmName === name)!.Properties;
      const returned = alarm.Metrics.find((m: any) => m.ReturnData !== false);
      const inputs = Object.fromEntries(alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, `${m.MetricStat.Metric.Namespace}/${m.MetricStat.Metric.MetricName} ${m.MetricStat.Stat} ${m.MetricStat.Period}`]));
      return { expression: returned.Expression, inputs, m: `${alarm.DatapointsToAlarm} of ${alarm.EvaluationPeriods}`, op: `${alarm.ComparisonOperator} ${alarm.Threshold}` };
    };
    expect(expressions('orders-debezium-guard-stall')).toEqual({
      expression: 'FILL(commits, 0) + FILL(polled, 0) + FILL(written, 0)',
      inputs: { commits: 'DebeziumGuard/OffsetCommits/orders Sum 60', polled: 'AWS/KafkaConnect/SourceRecordPollRate Maximum 60', written: 'AWS/KafkaConnect/SourceRecordWriteRate Maximum 60' },
      m: '2 of 2',
      op: 'LessThanOrEqualToThreshold 0',
    });
    expect(expressions('orders-debezium-guard-tasks')).toEqual({
      expression: 'IF(FILL(errored, 0) > 0 OR FILL(running, 1) < 1, 1, 0)',
      inputs: { errored: 'AWS/KafkaConnect/ErroredTaskCount Maximum 60', running: 'AWS/KafkaConnect/RunningTaskCount Minimum 60' },
      m: '2 of 5',
      op: 'GreaterThanOrEqualToThreshold 1',
    });
  });

  test('each stall alarm registers its connector with the fleet in its tags', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'customers-debezium-guard-stall',
      // CDK lists tags by key.
      Tags: [
        { Key: 'debezium-guard:config-bucket', Value: 'connector-configs' },
        { Key: 'debezium-guard:config-bucket-owner', Value: '123456789012' },
        { Key: 'debezium-guard:config-key', Value: 'debezium/customers.json' },
        { Key: 'debezium-guard:fleet', Value: fleet.fleetId },
        { Key: 'debezium-guard:service-execution-role-arn', Value: 'arn:aws:iam::123456789012:role/msk-connect-orders' },
      ],
    });
    // The other alarms are no member's registration.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-debezium-guard-tasks', Tags: Match.absent() });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-debezium-guard-offset-commits', Tags: Match.absent() });
    expect(fleet.fleetId).toBe('TestStack-Fleet-80538BAD');
  });

  test('the function is told the fleet, not a connector, and may find its members in one call each', () => {
    const fn = Object.values<any>(template.findResources('AWS::Lambda::Function'))[0];
    const env = fn.Properties.Environment.Variables;
    expect(env).toMatchObject({ GUARD_FLEET_ID: fleet.fleetId, GUARD_FLEET_CONCURRENCY: '4', GUARD_STRATEGY: 'RESTART_THEN_RECREATE', GUARD_VERIFY_SECONDS: '420' });
    for (const perConnector of ['GUARD_CONNECTOR_NAME', 'GUARD_ALARM_NAME', 'GUARD_CONFIG_BUCKET', 'GUARD_CONFIG_KEY', 'GUARD_SERVICE_EXECUTION_ROLE_ARN']) {
      expect(env[perConnector]).toBeUndefined();
    }
    const role = Object.values<any>(template.findResources('AWS::IAM::Role'))[0];
    const sids = role.Properties.Policies[0].PolicyDocument.Statement.map((s: any) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['FindFleetMembers', 'ReadFleetMemberTags', 'FindRecoveriesInFlight', 'ListConnectors', 'CreateConnector']));
    // Nothing on a named connector, key or role in the inline policy: those are the members' policies.
    expect(sids).not.toEqual(expect.arrayContaining(['RestartConnector']));
    expect(sids).not.toEqual(expect.arrayContaining(['PassServiceExecutionRole']));
  });

  test('one managed policy names exactly the members\' connectors, stored requests and role', () => {
    const policies = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    const text = (v: unknown) => JSON.stringify(stack.resolve(v));
    // Each connector's ARN once, for everything done to the connector itself.
    expect(bySid.ActOnMemberConnectors.Action).toEqual([
      'kafkaconnect:RestartConnector', 'kafkaconnect:DescribeConnector', 'kafkaconnect:ListTagsForResource',
      'kafkaconnect:DeleteConnector', 'kafkaconnect:TagResource',
    ]);
    expect(text(bySid.ActOnMemberConnectors.Resource)).toMatch(/connector\/orders\/\*.*connector\/customers\/\*/);
    expect(text(bySid.FollowConnectorOperations.Resource)).toMatch(/connector-operation\/orders\/\*.*connector-operation\/customers\/\*/);
    expect(text(bySid.ReadStoredCreateConnectorRequest.Resource)).toMatch(/connector-configs\/debezium\/orders\.json.*connector-configs\/debezium\/customers\.json/);
    // The shared role once.
    expect(bySid.PassServiceExecutionRole.Resource).toBe('arn:aws:iam::123456789012:role/msk-connect-orders');
    expect(policies[0].Properties.Roles).toEqual([{ Ref: stack.getLogicalId(fleet.recoveryRole.node.defaultChild as any) }]);
  });

  test.each(NAG_MAJORS)('cdk-nag %s AwsSolutions finds nothing unacknowledged', (major) => {
    const { stack: nagStack } = fleetOf(['orders', 'customers']);
    expect(nagFindings(nagStack, major)).toEqual([]);
  });
});

describe('one and a hundred members', () => {
  test('one member: the fleet\'s 11 resources and the member\'s 4', () => {
    const counts = countByType(Template.fromStack(fleetOf(['orders']).stack));
    expect(counts).toEqual({
      // The fleet: topic, its policy and subscription, table, log group, role, function, its invoke config, tick and its permission, member policy.
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SNS::Subscription': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::Logs::LogGroup': 1,
      'AWS::IAM::Role': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Events::Rule': 1,
      'AWS::Lambda::Permission': 1,
      'AWS::IAM::ManagedPolicy': 1,
      // The member: metric filter, 3 alarms (stall, tasks, offset commits); and the fleet's recovery-errors alarm.
      'AWS::Logs::MetricFilter': 1,
      'AWS::CloudWatch::Alarm': 4,
    });
  });

  test('a hundred members fit in one stack, under CloudFormation\'s 500 resources: 4 resources each, their permissions in 6 policies', () => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    Array.from({ length: 100 }, (_, i) => memberGuard(stack, fleet, `inventory-cdc-${String(i).padStart(3, '0')}`));
    const counts = countByType(Template.fromStack(stack));
    expect(counts['AWS::CloudWatch::CompositeAlarm']).toBeUndefined();
    expect(counts['AWS::CloudWatch::Alarm']).toBe(1 + 100 * 3);
    expect(counts['AWS::Logs::MetricFilter']).toBe(100);
    expect(counts['AWS::IAM::ManagedPolicy']).toBe(6);
    expect(counts['AWS::Lambda::Function']).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(11 + 100 * 4 + 5);
  });
});

describe('joining and leaving', () => {
  test('adding a member changes no other member\'s logical IDs or resources', () => {
    const two = Template.fromStack(fleetOf(['orders', 'customers']).stack).toJSON().Resources;
    const three = Template.fromStack(fleetOf(['orders', 'customers', 'payments']).stack).toJSON().Resources;
    const ofMembers = (resources: Record<string, any>, prefix: string) =>
      Object.fromEntries(Object.entries(resources).filter(([id]) => id.startsWith(prefix)));
    for (const member of ['orders', 'customers']) {
      expect(Object.keys(ofMembers(three, `${member}guard`)).length).toBeGreaterThan(0);
      expect(ofMembers(three, `${member}guard`)).toEqual(ofMembers(two, `${member}guard`));
    }
  });

  test('members are packed into managed policies within IAM\'s 6,144 characters, in the order they join', () => {
    const names = Array.from({ length: 40 }, (_, i) => `inventory-cdc-${String(i).padStart(3, '0')}`);
    const { stack } = fleetOf(names);
    const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    // 18 members a policy with these names: 180 within IAM's default 10 managed policies per role.
    expect(policies.map((p) => (JSON.stringify(p.Properties.PolicyDocument).match(/connector-operation\//g) ?? []).length)).toEqual([18, 18, 4]);
    for (const policy of policies) {
      // The document as IAM counts it (no white space), with the longest partition ARNs resolve to.
      const resolved = JSON.stringify(policy.Properties.PolicyDocument, (_key, value) =>
        (value && typeof value === 'object' && 'Fn::Join' in value ? value['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'aws-us-gov')).join('') : value));
      expect(resolved.length).toBeLessThanOrEqual(6144);
    }
    const all = JSON.stringify(policies);
    for (const name of names) {
      expect(all).toContain(`connector/${name}/*`);
    }
  });

  test('members whose buckets belong to other accounts: one statement per account, each with its own ID', () => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    ['111111111111', '222222222222', '111111111111'].forEach((account, i) => memberGuard(stack, fleet, `cdc-${i}`, {
      configBucket: s3.Bucket.fromBucketAttributes(stack, `Bucket${i}`, { bucketName: `configs-${account}`, account }),
    }));
    const policy = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))[0];
    const reads = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Action === 's3:GetObject');
    expect(reads.map((st: any) => [st.Sid, st.Condition.StringEquals['s3:ResourceAccount'], [st.Resource].flat().length])).toEqual([
      ['ReadStoredCreateConnectorRequest', '111111111111', 2],
      ['ReadStoredCreateConnectorRequestOf2', '222222222222', 1],
    ]);
    const sids = policy.Properties.PolicyDocument.Statement.map((st: any) => st.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  test('the function and its tick wait for the members\' policies', () => {
    const { stack } = fleetOf(['orders']);
    const fn = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(fn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^FleetMemberPolicy1/)]));
  });

  test('a failed tick is not retried by Lambda: the next tick does the same, a minute later', () => {
    Template.fromStack(fleetOf(['orders']).stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  test('past 10 managed policies a warning says to raise the quota; past 20 an error says to split the fleet', () => {
    // Stored request keys known only at deploy time are counted at S3's longest key: about 4 members a policy.
    const build = (members: number) => {
      const stack = newStack();
      const fleet = new DebeziumGuardFleet(stack, 'Fleet');
      const prefix = new CfnParameter(stack, 'KeyPrefix').valueAsString;
      Array.from({ length: members }, (_, i) => memberGuard(stack, fleet, `cdc-${i}`, { configKey: `${prefix}cdc-${i}.json` }));
      return stack;
    };
    const warned = build(45);
    const count = Object.keys(Template.fromStack(warned).findResources('AWS::IAM::ManagedPolicy')).length;
    expect(count).toBeGreaterThan(10);
    expect(count).toBeLessThanOrEqual(20);
    Annotations.fromStack(warned).hasWarning('/TestStack/Fleet', Match.stringLikeRegexp(
      `fleet TestStack/Fleet needs ${count} managed policies on its role for its members, more than IAM attaches by default \\(10\\)`));
    expect(() => Template.fromStack(build(90))).toThrow(/needs \d+ managed policies on its role for its members, more than IAM allows \(20\); split its members across two fleets/);
  });

  test('the function waits as long as its slowest member\'s alarms need to clear', () => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    memberGuard(stack, fleet, 'orders');
    memberGuard(stack, fleet, 'slow', { crashLoopAlarm: { evaluationPeriods: 15 } });
    memberGuard(stack, fleet, 'customers');
    const fn = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    // 15 - 2 + 1 = 14 one-minute periods, plus 3 minutes.
    expect(fn.Properties.Environment.Variables.GUARD_VERIFY_SECONDS).toBe(String(14 * 60 + 180));
  });
});

describe('fleet settings', () => {
  test('the fleet\'s strategy is every member\'s: notify-only holds no restart, delete or role to pass', () => {
    const { stack } = fleetOf(['orders'], { recoveryStrategy: RecoveryStrategy.NOTIFY_ONLY });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GUARD_STRATEGY: 'NOTIFY_ONLY' }) } });
    const sids = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(sids).toContain('FollowConnectorOperations');
    for (const absent of ['ActOnMemberConnectors', 'kafkaconnect:RestartConnector', 'PassServiceExecutionRole', 'ReadStoredCreateConnectorRequest']) {
      expect(sids).not.toContain(absent);
    }
  });

  test('a given topic is used, and maxConcurrentRecoveries reaches the function', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Team');
    const fleet = new DebeziumGuardFleet(stack, 'Fleet', { topic, maxConcurrentRecoveries: 8 });
    memberGuard(stack, fleet, 'orders');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GUARD_FLEET_CONCURRENCY: '8' }) } });
  });
});

describe('fleet dashboard', () => {
  /** The dashboard's body as CloudFormation would render it, tokens shown as text. */
  function dashboardBody(stack: Stack): any {
    const dashboard = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0];
    const join = dashboard.Properties.DashboardBody['Fn::Join'];
    return JSON.parse(join[1].map((p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join(join[0]));
  }

  test('one page: every member\'s trigger alarms, the members\' phase and attempts, the fleet\'s recoveries', () => {
    const { stack } = fleetOf(['orders', 'customers'], { createDashboard: true, dashboardName: 'cdc-fleet' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'cdc-fleet' });
    const widgets = dashboardBody(stack).widgets;
    const alarmWidget = widgets.find((w: any) => w.type === 'alarm');
    expect(JSON.stringify(alarmWidget.properties.alarms)).toMatch(/ordersguardStallAlarm.*ordersguardTaskAlarm.*customersguardStallAlarm.*customersguardTaskAlarm/);
    const table = widgets.find((w: any) => w.type === 'log');
    expect(table.properties.query).toContain('filter message = "member status"');
    expect(table.properties.query).toContain('latest(phase) as phase');
    expect(table.properties.query).toContain('latest(attemptsInBudgetWindow) as attempts');
    expect(table.properties.view).toBe('table');
    const graph = widgets.find((w: any) => w.type === 'metric');
    expect(JSON.stringify(graph.properties.metrics)).toContain('MetricName=\\"RecoveryStepStarted\\"');
    // The widgets do not overlap.
    const rows = widgets.map((w: any) => [w.y, w.y + w.height]);
    rows.slice(1).forEach(([top]: number[], i: number) => expect(top).toBeGreaterThanOrEqual(rows[i][1]));
  });

  test('without createDashboard there is none; dashboardName alone is an error', () => {
    Template.fromStack(fleetOf(['orders']).stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(() => new DebeziumGuardFleet(newStack(), 'Fleet', { dashboardName: 'x' }))
      .toThrow('dashboardName is set but createDashboard is not true; set createDashboard: true or drop dashboardName');
  });

  test('past 50 members, the alarm states take several widgets side by side (CloudWatch shows 100 alarms a widget)', () => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet', { createDashboard: true });
    Array.from({ length: 101 }, (_, i) => memberGuard(stack, fleet, `cdc-${i}`));
    const alarmWidgets = dashboardBody(stack).widgets.filter((w: any) => w.type === 'alarm');
    expect(alarmWidgets.map((w: any) => [w.properties.title, w.properties.alarms.length, w.x, w.width])).toEqual([
      ["Members' alarms (1-100)", 100, 0, 8],
      ["Members' alarms (101-200)", 100, 8, 8],
      ["Members' alarms (201-202)", 2, 16, 8],
    ]);
  });
});

describe('validation', () => {
  test.each([
    ['recoveryStrategy', { recoveryStrategy: RecoveryStrategy.RESTART_ONLY }],
    ['recoveryBudget', { recoveryBudget: 5 }],
    ['alertEmails', { alertEmails: ['me@example.com'] }],
  ])('a member given %s is told to set it on the fleet', (prop, overrides) => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    expect(() => memberGuard(stack, fleet, 'orders', overrides)).toThrow(
      `${prop} is set, but the guard is a member of fleet TestStack/Fleet, which recovers and notifies for all its members; set it on the fleet (DebeziumGuardFleetProps) or drop it`);
  });

  test.each(['offsetCommitGapAlarm', 'taskHealthAlarm'])('a member given %s, an alarm it does not have, is told which tuning applies', (prop) => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    expect(() => memberGuard(stack, fleet, 'orders', { [prop]: { evaluationPeriods: 4 } })).toThrow(
      `${prop} is set, but a fleet's member (fleet TestStack/Fleet) has no such alarm: its stall alarm takes noProductionAlarm's tuning and its task alarm crashLoopAlarm's; tune those instead, or guard this connector without a fleet`);
  });

  test('a member\'s stall and task alarms take noProductionAlarm\'s and crashLoopAlarm\'s tuning, and expectedRunningTasks', () => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    memberGuard(stack, fleet, 'orders', { noProductionAlarm: { evaluationPeriods: 3 }, crashLoopAlarm: { evaluationPeriods: 6, datapointsToAlarm: 3 }, expectedRunningTasks: 2 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-debezium-guard-stall', EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-debezium-guard-tasks',
      EvaluationPeriods: 6,
      DatapointsToAlarm: 3,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(FILL(errored, 0) > 0 OR FILL(running, 2) < 2, 1, 0)' })]),
    });
  });

  test('a member in another stack than its fleet is refused', () => {
    const app = new App();
    const fleetStack = newStack(undefined, app);
    const other = new Stack(app, 'Other', { env: { account: '123456789012', region: 'ap-northeast-2' } });
    const fleet = new DebeziumGuardFleet(fleetStack, 'Fleet');
    expect(() => new DebeziumSilentFailureGuard(other, 'Guard', { ...quickStartProps(other, { alertEmails: undefined }), fleet }))
      .toThrow(/fleet TestStack\/Fleet is in stack TestStack, not in this guard's stack Other; create the guard in the fleet's stack/);
  });

  test('a stored request key that no tag value can hold is refused with the fix', () => {
    const stack = newStack();
    const fleet = new DebeziumGuardFleet(stack, 'Fleet');
    expect(() => memberGuard(stack, fleet, 'orders', { configKey: 'debezium/orders (v2).json' }))
      .toThrow(/configKey must fit a CloudWatch tag value for a fleet's member .* got "debezium\/orders \(v2\)\.json"; rename the object or role, or guard this connector without a fleet/);
  });

  test.each([
    [{ maxConcurrentRecoveries: 0 }, 'maxConcurrentRecoveries must be a positive integer, got 0'],
    [{ maxConcurrentRecoveries: 40 }, 'maxConcurrentRecoveries must be at most 16, got 40'],
    [{ recoveryBudget: 1.5 }, 'recoveryBudget must be a positive integer, got 1.5'],
    [{ alertEmails: ['not-an-address'] }, 'alertEmails must hold e-mail addresses, got "not-an-address"'],
  ])('fleet props %j: %s', (props, message) => {
    expect(() => new DebeziumGuardFleet(newStack(), 'Fleet', props)).toThrow(message);
    expect(() => new DebeziumGuardFleet(newStack(), 'Fleet', props)).toThrow(/^Invalid DebeziumGuardFleet props at TestStack\/Fleet:/);
  });
});
