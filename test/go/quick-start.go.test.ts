import { execFileSync } from 'child_process';
import { describeConsumer } from '../consumers/quick-start-twins';

// The Go quick start (test/go/quick_start, built by .ci/go against the module jsii-pacmak wrote to
// dist/go); CDK_DEBEZIUM_GUARD_GO names that binary.
describeConsumer('Go', 'CDK_DEBEZIUM_GUARD_GO', '.ci/go', (binary, out) => {
  execFileSync(binary, [out.testStack], {
    env: { ...process.env, CDK_OUTDIR: out.readmeApp },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
});
