package quickstart;

import io.github.example.cdkdebeziumguard.DebeziumSilentFailureGuard;
import io.github.example.cdkdebeziumguard.RecoveryStrategy;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.FromRoleArnOptions;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * The quick start as Java CDK apps, on the package's built jar (run by .ci/java), each the twin of a
 * TypeScript one that test/java/quick-start.java.test.ts synthesizes and compares:
 * the construct tests' quick start (TestStack, into args[0]) and the README's app
 * (OrdersCdcGuardStack, into args[1]), as jsii-rosetta renders it in Java.
 */
public final class QuickStart {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "ap-northeast-2";
    private static final String ORDERS_ARN =
        "arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3";

    public static void main(final String[] args) {
        // The construct tests' quick start: quickStartProps names the imports after the stack's child count.
        App testApp = new App(AppProps.builder().outdir(args[0]).build());
        Stack testStack = new Stack(testApp, "TestStack", StackProps.builder()
                .env(Environment.builder().account(ACCOUNT).region(REGION).build())
                .build());
        DebeziumSilentFailureGuard.Builder.create(testStack, "OrdersCdcGuard")
                .connectorArn(ORDERS_ARN)
                .configBucket(Bucket.fromBucketName(testStack, "Bucket0", "connector-configs"))
                .configKey("debezium/orders-cdc.json")
                .workerLogGroup(LogGroup.fromLogGroupName(testStack, "Logs1", "/msk-connect/orders-cdc"))
                .serviceExecutionRole(Role.fromRoleArn(testStack, "Role2", "arn:aws:iam::123456789012:role/msk-connect-orders"))
                .alertEmails(List.of("oncall@example.com"))
                .build();
        testApp.synth();

        // The README's app.
        App app = new App(AppProps.builder().outdir(args[1]).build());
        // The guard must deploy where its connector runs: the connector ARN's account and Region.
        Stack stack = Stack.Builder.create(app, "OrdersCdcGuardStack")
                .env(Environment.builder().account(ACCOUNT).region(REGION).build())
                .build();
        DebeziumSilentFailureGuard.Builder.create(stack, "OrdersCdcGuard")
                .connectorArn(ORDERS_ARN)
                .configBucket(Bucket.fromBucketName(stack, "ConnectorConfigs", "acme-msk-connect-configs"))
                .configKey("debezium/orders-cdc.json")
                .workerLogGroup(LogGroup.fromLogGroupName(stack, "WorkerLogs", "/msk-connect/orders-cdc"))
                .serviceExecutionRole(Role.fromRoleArn(stack, "ConnectorRole", "arn:aws:iam::123456789012:role/msk-connect-debezium",
                        FromRoleArnOptions.builder()
                                .mutable(false) // the guard only passes the role; it never adds to its policy
                                .build()))
                .alertEmails(List.of("oncall@example.com"))
                .recoveryStrategy(RecoveryStrategy.NOTIFY_ONLY) // the first rollout: alarms and notices only
                .build();
        app.synth();
    }
}
