#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { CdcGuardsStack } from './stack';

const app = new App();
new CdcGuardsStack(app, 'CdcGuards', { env: { account: '123456789012', region: 'ap-northeast-2' } });
app.synth();
