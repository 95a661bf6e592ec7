import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as YAML from 'yaml';
import { DebeziumSilentFailureGuard, RecoveryStrategy } from '../../src';
import { oneClickTemplate, TEMPLATE_FILE } from '../../tools/one-click/generate';
import { OneClickStack, PACKAGED_CODE_PATH } from '../../tools/one-click/one-click-stack';
import { newStack, quickStartProps } from '../construct/fixtures';
import { NAG_MAJORS, nagFindings } from '../nag-findings';

const text = fs.readFileSync(TEMPLATE_FILE, 'utf8');
const template = JSON.parse(text);
const resources = Object.values(template.Resources) as { Type: string; Properties: any }[];

/** Evaluates the intrinsics the template uses for the connector name, as CloudFormation would. */
function evaluate(expr: any, params: Record<string, string>): any {
  if (typeof expr === 'string') {
    return expr;
  }
  if (expr.Ref !== undefined) {
    return params[expr.Ref];
  }
  if (expr['Fn::Split']) {
    const [sep, value] = expr['Fn::Split'];
    return evaluate(value, params).split(sep);
  }
  if (expr['Fn::Select']) {
    const [index, list] = expr['Fn::Select'];
    return evaluate(list, params)[index];
  }
  if (expr['Fn::Join']) {
    const [sep, parts] = expr['Fn::Join'];
    return parts.map((p: any) => evaluate(p, params)).join(sep);
  }
  throw new Error(`not evaluated: ${JSON.stringify(expr)}`);
}

/** Evaluates a condition of the template, as CloudFormation would. */
function condition(name: string, params: Record<string, string>): boolean {
  const walk = (expr: any): boolean => {
    if (expr.Condition) {
      return condition(expr.Condition, params);
    }
    if (expr['Fn::Equals']) {
      const [a, b] = expr['Fn::Equals'].map((e: any) => evaluate(e, params));
      return a === b;
    }
    if (expr['Fn::Not']) {
      return !walk(expr['Fn::Not'][0]);
    }
    if (expr['Fn::Or']) {
      return expr['Fn::Or'].some(walk);
    }
    if (expr['Fn::And']) {
      return expr['Fn::And'].every(walk);
    }
    throw new Error(`not evaluated: ${JSON.stringify(expr)}`);
  };
  return walk(template.Conditions[name]);
}

const SAMPLE = { ConnectorArn: 'arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3' };
const KEY_ARN = 'arn:aws:kms:ap-northeast-2:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';

describe('one-click template (cloudformation/debezium-guard.template.json)', () => {
  test('is current: regenerating it from the library changes nothing (run `npx projen one-click` if this fails)', () => {
    expect(oneClickTemplate()).toEqual(text);
  });

  test('has the seed\'s parameters and the product\'s', () => {
    expect(Object.keys(template.Parameters).sort()).toEqual([
      'AlertEmail', 'ConnectorArn', 'ConnectorConfigKmsKeyArn', 'ConnectorConfigS3Bucket', 'ConnectorConfigS3Key', 'KafkaConnectVersion',
      'RecoveryStrategy', 'ServiceExecutionRoleArn', 'WorkerLogGroupName',
    ]);
    expect(template.Parameters.ConnectorConfigKmsKeyArn.Default).toBe('');
    expect(template.Parameters.KafkaConnectVersion).toMatchObject({ AllowedValues: ['3.7.x', '2.7.1'], Default: '3.7.x' });
  });

  test('resolves the connector name from the ARN parameter', () => {
    const params = SAMPLE;
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(evaluate(fn.Properties.Environment.Variables.GUARD_CONNECTOR_NAME, params)).toBe('orders-cdc');
    const filter = resources.find((r) => r.Type === 'AWS::Logs::MetricFilter')!;
    const [, v271, v37] = filter.Properties.FilterPattern['Fn::If'];
    expect(evaluate(v37, params)).toBe('"WorkerSourceTask{id=orders-cdc-" "Committing offsets for"');
    expect(evaluate(v271, params)).toBe('"WorkerSourceTask{id=orders-cdc-" "Finished commitOffsets successfully"');
    expect(template.Conditions.KafkaConnect271).toEqual({ 'Fn::Equals': [{ Ref: 'KafkaConnectVersion' }, '2.7.1'] });
  });

  test('the stored request is read only from a bucket of the deploying account, with what a create and delete need', () => {
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties.Environment.Variables.GUARD_CONFIG_BUCKET_OWNER).toEqual({ Ref: 'AWS::AccountId' });
    const role = resources.find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.Policies)!;
    const statements = (role.Properties.Policies[0].PolicyDocument.Statement as any[])
      .map((st) => (st['Fn::If'] ? st['Fn::If'][1] : st));
    expect(statements.find((st) => st.Sid === 'ReadStoredCreateConnectorRequest').Condition)
      .toEqual({ StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } });
    expect(statements.find((st) => st.Sid === 'CreateConnectorNetworkAndLogDelivery').Action).toEqual([
      'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
      'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ]);
  });

  test('the RecoveryStrategy parameter reaches the function and the alarm description', () => {
    expect(template.Parameters.RecoveryStrategy).toMatchObject({
      AllowedValues: ['RESTART_THEN_RECREATE', 'RESTART_ONLY', 'RECREATE', 'NOTIFY_ONLY'], Default: 'RESTART_THEN_RECREATE',
    });
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties.Environment.Variables.GUARD_STRATEGY).toEqual({ Ref: 'RecoveryStrategy' });
    const composite = resources.find((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm')!;
    expect(evaluate(composite.Properties.AlarmDescription, { ...SAMPLE, RecoveryStrategy: 'NOTIFY_ONLY' }))
      .toBe('Debezium connector orders-cdc may have failed silently. Check first: which of its orders-cdc-debezium-guard-* alarms is in ALARM, '
        + 'and the guard\'s last e-mail. Guard strategy: NOTIFY_ONLY. Disable this alarm\'s actions to pause the guard.');
  });

  test('every alarm is named after the connector from the ARN parameter', () => {
    const names = resources.filter((r) => r.Type.startsWith('AWS::CloudWatch::'))
      .map((r) => evaluate(r.Properties.AlarmName, SAMPLE)).sort();
    expect(names).toEqual([
      'orders-cdc-debezium-guard',
      'orders-cdc-debezium-guard-crash-loop',
      'orders-cdc-debezium-guard-errored-tasks',
      'orders-cdc-debezium-guard-log-delivery',
      'orders-cdc-debezium-guard-no-production',
      'orders-cdc-debezium-guard-offset-commit-gap',
      'orders-cdc-debezium-guard-offset-commits',
      'orders-cdc-debezium-guard-recovery-errors',
      'orders-cdc-debezium-guard-running-tasks',
    ]);
  });

  test.each([
    ['RESTART_THEN_RECREATE', false], ['RESTART_THEN_RECREATE', true], ['RECREATE', true],
    ['RESTART_ONLY', false], ['RESTART_ONLY', true], ['NOTIFY_ONLY', true],
  ])('strategy %s, config key given: %s: the role has exactly the statements the construct gives that strategy', (strategy, keyGiven) => {
    const keyArn = keyGiven ? KEY_ARN : '';
    const params = { ...SAMPLE, RecoveryStrategy: strategy, ConnectorConfigKmsKeyArn: keyArn };
    const role = resources.find((r) => r.Type === 'AWS::IAM::Role')!;
    const oneClick = role.Properties.Policies[0].PolicyDocument.Statement
      .map((st: any) => (st['Fn::If'] ? (condition(st['Fn::If'][0], params) ? st['Fn::If'][1] : undefined) : st))
      .filter((st: any) => st !== undefined)
      .map((st: any) => st.Sid);

    const stack = newStack();
    new DebeziumSilentFailureGuard(stack, 'Guard', quickStartProps(stack, {
      recoveryStrategy: strategy as RecoveryStrategy,
      configEncryptionKey: keyArn ? kms.Key.fromKeyArn(stack, 'Key', keyArn) : undefined,
    }));
    const constructRole = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))
      .find((r: any) => r.Properties.Policies?.[0]?.PolicyName === 'Recovery') as any;
    expect(oneClick).toEqual(constructRole.Properties.Policies[0].PolicyDocument.Statement.map((st: any) => st.Sid));
    expect(oneClick.includes('DecryptStoredCreateConnectorRequest')).toBe(keyArn !== '' && strategy.endsWith('RECREATE'));
  });

  test('the config key parameter takes a key ARN or nothing', () => {
    const pattern = new RegExp(template.Parameters.ConnectorConfigKmsKeyArn.AllowedPattern);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(KEY_ARN)).toBe(true);
    expect(pattern.test('arn:aws:kms:ap-northeast-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab')).toBe(true);
    expect(pattern.test('alias/my-key')).toBe(false);
  });

  test('needs no CDK bootstrap: code from `aws cloudformation package`, no asset bucket, no bootstrap version', () => {
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties.Code).toBe(PACKAGED_CODE_PATH);
    expect(fs.existsSync(path.join(path.dirname(TEMPLATE_FILE), PACKAGED_CODE_PATH, 'index.js'))).toBe(true);
    expect(text).not.toMatch(/cdk-hnb659fds|BootstrapVersion|AWS::CDK::Metadata|aws:asset:/);
    // aws cloudformation deploy takes an inline template up to 51,200 bytes
    expect(Buffer.byteLength(text)).toBeLessThan(51_200);
  });

  test('what `aws cloudformation package` writes stays under 51,200 bytes as YAML (its default), not with --use-json', () => {
    // GIVEN the template as package rewrites it: the code folder becomes an S3 location
    const packaged = JSON.parse(text);
    const fn = Object.values(packaged.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function')!;
    fn.Properties.Code = { S3Bucket: 'my-artifacts-bucket', S3Key: '0123456789abcdef0123456789abcdef' };
    // THEN the YAML it writes by default fits an inline deploy; its indented JSON (--use-json) would not,
    // which is why the README writes packaged.yaml and passes no --use-json.
    expect(Buffer.byteLength(YAML.stringify(packaged))).toBeLessThan(51_200);
    expect(Buffer.byteLength(JSON.stringify(packaged, undefined, 4))).toBeGreaterThan(51_200);
  });

  test('the README\'s deploy command names real parameters, gives every one without a default, and each value passes its constraint', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('aws cloudformation deploy --template-file');
    expect(start).toBeGreaterThan(-1);
    const command = readme.slice(start, readme.indexOf('```', start));
    const given = Object.fromEntries(command.slice(command.indexOf('--parameter-overrides') + '--parameter-overrides'.length)
      .split(/[\s\\]+/).filter((t) => t.includes('=')).map((t) => t.split(/=(.*)/s).slice(0, 2)));
    expect(command).toContain('--template-file packaged.yaml');
    expect(command).toContain('--capabilities CAPABILITY_NAMED_IAM');
    for (const [name, value] of Object.entries(given)) {
      const parameter = template.Parameters[name];
      expect({ name, known: parameter !== undefined }).toEqual({ name, known: true });
      if (parameter.AllowedPattern) {
        expect({ name, value, ok: new RegExp(parameter.AllowedPattern).test(value as string) }).toEqual({ name, value, ok: true });
      }
      if (parameter.AllowedValues) {
        expect(parameter.AllowedValues).toContain(value);
      }
    }
    const required = Object.entries(template.Parameters).filter(([, p]: [string, any]) => p.Default === undefined).map(([n]) => n);
    expect(required.filter((n) => !(n in given))).toEqual([]);
  });

  test('the npm package ships the template and the function code at the path the template names', () => {
    const root = path.join(__dirname, '..', '..');
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    const templateInPackage = path.relative(root, TEMPLATE_FILE);
    expect(files).toContain(templateInPackage);
    expect(files).toContain(path.posix.join(path.dirname(templateInPackage), PACKAGED_CODE_PATH, 'index.js'));
  });

  test.each(NAG_MAJORS)('cdk-nag %s AwsSolutions reports nothing unacknowledged on it (the acknowledgements match with the name taken from the ARN parameter)', (major) => {
    expect(nagFindings(new OneClickStack(new App(), 'DebeziumGuard'), major)).toEqual([]);
  });

  test('outputs name the function to invoke, the alarm to pause and the topic', () => {
    const fn = Object.entries(template.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::Lambda::Function')![0];
    const alarm = Object.entries(template.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::CloudWatch::CompositeAlarm')![0];
    const topic = Object.entries(template.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::SNS::Topic')![0];
    expect(Object.fromEntries(Object.entries(template.Outputs).map(([k, o]: [string, any]) => [k, o.Value]))).toEqual({
      RecoveryFunctionName: { Ref: fn },
      CompositeAlarmName: { Ref: alarm },
      TopicArn: { Ref: topic },
    });
  });

  test('the e-mail parameter is subscribed, and the guard is complete', () => {
    expect(resources.find((r) => r.Type === 'AWS::SNS::Subscription')!.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } });
    expect(resources.map((r) => r.Type).sort()).toEqual([
      'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::CompositeAlarm',
      'AWS::DynamoDB::Table', 'AWS::Events::Rule', 'AWS::Events::Rule', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Permission',
      'AWS::Lambda::Permission', 'AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter', 'AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy',
    ]);
  });
});
