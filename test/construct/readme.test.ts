import * as fs from 'fs';
import * as path from 'path';
import { newStack, ORDERS_ARN, quickStartProps } from './fixtures';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the README quick start is what the construct tests synthesize', () => {
  // The first TypeScript block of the README (compiled by jsii-rosetta in the build).
  const block = /```ts[^\n]*\n([\s\S]*?)```/.exec(README)![1];

  test('the same literal props, and the same required object props', () => {
    const stack = newStack();
    const props = quickStartProps(stack);
    expect(block).toContain('new DebeziumSilentFailureGuard(this, \'OrdersCdcGuard\', {');
    expect(block).toContain(`connectorArn: '${ORDERS_ARN}',`);
    expect(block).toContain(`configKey: '${props.configKey}',`);
    expect(block).toContain(`alertEmails: ['${props.alertEmails![0]}'],`);
    const keys = [...block.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]);
    expect(keys).toEqual(['connectorArn', 'configBucket', 'configKey', 'workerLogGroup', 'serviceExecutionRole', 'alertEmails']);
    expect(Object.keys(props)).toEqual(keys);
  });
});

describe('the README\'s Python quick start is the app CI synthesizes in Python', () => {
  test('its one Python block is test/python/readme_app.py, word for word', () => {
    // .ci/python runs that file on the built wheel and compares its template with TypeScript's.
    const blocks = [...README.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toEqual(fs.readFileSync(path.join(__dirname, '..', 'python', 'readme_app.py'), 'utf8'));
  });
});
