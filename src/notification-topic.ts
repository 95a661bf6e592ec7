import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { allowAlarmsToUseTopicKey } from './alarm-topic-key';

/** The props that choose where a guard's, or a fleet's, notices go. */
export interface NotificationProps {
  readonly topic?: sns.ITopic;
  readonly topicEncryptionKey?: kms.IKey;
  readonly alertEmails?: string[];
}

/** The topic notices go to, and its key when it has one. */
export interface NotificationTopic {
  readonly topic: sns.ITopic;
  readonly topicKey?: kms.IKey;
}

/** The given topic, or a new one (construct ID `Topic`), that CloudWatch alarms may use, with its e-mail subscriptions. */
export function notificationTopic(scope: Construct, props: NotificationProps): NotificationTopic {
  const topic = props.topic ?? new sns.Topic(scope, 'Topic', {
    displayName: 'Debezium silent-failure guard',
    enforceSSL: true,
    masterKey: props.topicEncryptionKey,
  });
  // CloudWatch publishes alarm notifications itself, so it must be able to use the topic's key.
  const topicKey = props.topic ? props.topic.masterKey : props.topicEncryptionKey;
  if (topicKey) {
    allowAlarmsToUseTopicKey(scope, topicKey, props.topic ? 'topic.masterKey' : 'topicEncryptionKey');
  }
  (props.alertEmails ?? []).forEach((email) => topic.addSubscription(new subscriptions.EmailSubscription(email)));
  return { topic, topicKey };
}
