/**
 * Writes the one-click template (`cloudformation/debezium-guard.template.json`) from the library.
 * Run by `npx projen one-click`; a test fails when the committed file is out of date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OneClickStack } from './one-click-stack';

export const TEMPLATE_FILE = path.join(__dirname, '..', '..', 'cloudformation', 'debezium-guard.template.json');

/** The template text, byte for byte what is committed. */
export function oneClickTemplate(): string {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': false, 'aws:cdk:enable-asset-metadata': false } });
  const stack = new OneClickStack(app, 'DebeziumGuard');
  const template = app.synth().getStackByName(stack.stackName).template;
  return `${JSON.stringify(template, undefined, 1)}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(TEMPLATE_FILE), { recursive: true });
  fs.writeFileSync(TEMPLATE_FILE, oneClickTemplate());
  process.stdout.write(`wrote ${path.relative(process.cwd(), TEMPLATE_FILE)}\n`);
}
