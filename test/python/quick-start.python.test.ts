import { execFileSync } from 'child_process';
import * as path from 'path';
import { describeConsumer } from '../consumers/quick-start-twins';

// quick_start.py (and the README's Python app, readme_app.py, which it runs) on the wheel
// jsii-pacmak built, in the virtual environment .ci/python makes (aws-cdk-lib and constructs from
// PyPI); CDK_DEBEZIUM_GUARD_PYTHON names that environment's python.
describeConsumer('Python', 'CDK_DEBEZIUM_GUARD_PYTHON', '.ci/python', (python, out) => {
  // One run of Python writes both apps: the README's into CDK_OUTDIR, as `cdk synth` would have it.
  execFileSync(python, [path.join(__dirname, 'quick_start.py'), out.testStack], {
    env: { ...process.env, CDK_OUTDIR: out.readmeApp },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
});
