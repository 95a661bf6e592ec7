import { execFileSync } from 'child_process';
import { describeConsumer } from '../consumers/quick-start-twins';

// QuickStart.java (both apps) compiled by .ci/java against the jar jsii-pacmak built and aws-cdk-lib
// and constructs from Maven Central; CDK_DEBEZIUM_GUARD_JAVA_CLASSPATH is the classpath to run it with.
describeConsumer('Java', 'CDK_DEBEZIUM_GUARD_JAVA_CLASSPATH', '.ci/java', (classpath, out) => {
  execFileSync('java', ['-cp', classpath, 'quickstart.QuickStart', out.testStack, out.readmeApp], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
});
