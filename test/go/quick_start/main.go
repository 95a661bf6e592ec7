// The quick start in Go, the twin of test/python/quick_start.py and test/java: two apps synthesized with app.Synth().
//   - TestStack into os.Args[1]: the construct tests' quick start (same construct IDs).
//   - OrdersCdcGuardStack into $CDK_OUTDIR: the README's quick-start app.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	guard "github.com/example/cdk-debezium-guard-go/cdkdebeziumguard"
)

const (
	account   = "123456789012"
	region    = "ap-northeast-2"
	ordersArn = "arn:aws:kafkaconnect:" + region + ":" + account + ":connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3"
)

func env() *awscdk.Environment {
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}

func testStack(outdir string) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	stack := awscdk.NewStack(app, jsii.String("TestStack"), &awscdk.StackProps{Env: env()})
	guard.NewDebeziumSilentFailureGuard(stack, jsii.String("OrdersCdcGuard"), &guard.DebeziumSilentFailureGuardProps{
		ConnectorArn:         jsii.String(ordersArn),
		ConfigBucket:         awss3.Bucket_FromBucketName(stack, jsii.String("Bucket0"), jsii.String("connector-configs")),
		ConfigKey:            jsii.String("debezium/orders-cdc.json"),
		WorkerLogGroup:       awslogs.LogGroup_FromLogGroupName(stack, jsii.String("Logs1"), jsii.String("/msk-connect/orders-cdc")),
		ServiceExecutionRole: awsiam.Role_FromRoleArn(stack, jsii.String("Role2"), jsii.String("arn:aws:iam::"+account+":role/msk-connect-orders"), nil),
		AlertEmails:          jsii.Strings("oncall@example.com"),
	})
	app.Synth(nil)
}

func readmeApp() {
	app := awscdk.NewApp(nil) // outdir from CDK_OUTDIR, as `cdk synth` sets it
	stack := awscdk.NewStack(app, jsii.String("OrdersCdcGuardStack"), &awscdk.StackProps{Env: env()})
	guard.NewDebeziumSilentFailureGuard(stack, jsii.String("OrdersCdcGuard"), &guard.DebeziumSilentFailureGuardProps{
		ConnectorArn:   jsii.String(ordersArn),
		ConfigBucket:   awss3.Bucket_FromBucketName(stack, jsii.String("ConnectorConfigs"), jsii.String("acme-msk-connect-configs")),
		ConfigKey:      jsii.String("debezium/orders-cdc.json"),
		WorkerLogGroup: awslogs.LogGroup_FromLogGroupName(stack, jsii.String("WorkerLogs"), jsii.String("/msk-connect/orders-cdc")),
		ServiceExecutionRole: awsiam.Role_FromRoleArn(stack, jsii.String("ConnectorRole"), jsii.String("arn:aws:iam::"+account+":role/msk-connect-debezium"),
			&awsiam.FromRoleArnOptions{Mutable: jsii.Bool(false)}),
		AlertEmails:      jsii.Strings("oncall@example.com"),
		RecoveryStrategy: guard.RecoveryStrategy_NOTIFY_ONLY,
	})
	app.Synth(nil)
}

func main() {
	defer jsii.Close()
	if len(os.Args) != 2 || os.Getenv("CDK_OUTDIR") == "" {
		fmt.Fprintln(os.Stderr, "usage: CDK_OUTDIR=<readme-app-dir> goconsumer <test-stack-dir>")
		os.Exit(2)
	}
	testStack(os.Args[1])
	readmeApp()
}
