from aws_cdk import App, Environment, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from cdk_debezium_guard import DebeziumSilentFailureGuard, RecoveryStrategy

app = App()
# The guard must deploy where its connector runs: the connector ARN's account and Region.
stack = Stack(app, "OrdersCdcGuardStack", env=Environment(account="123456789012", region="ap-northeast-2"))

DebeziumSilentFailureGuard(stack, "OrdersCdcGuard",
    connector_arn="arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3",
    config_bucket=s3.Bucket.from_bucket_name(stack, "ConnectorConfigs", "acme-msk-connect-configs"),
    config_key="debezium/orders-cdc.json",
    worker_log_group=logs.LogGroup.from_log_group_name(stack, "WorkerLogs", "/msk-connect/orders-cdc"),
    service_execution_role=iam.Role.from_role_arn(stack, "ConnectorRole", "arn:aws:iam::123456789012:role/msk-connect-debezium",
        mutable=False,  # the guard only passes the role; it never adds to its policy
    ),
    alert_emails=["oncall@example.com"],
    recovery_strategy=RecoveryStrategy.NOTIFY_ONLY,  # the first rollout: alarms and notices only
)

app.synth()
