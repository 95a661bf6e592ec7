/**
 * Every version the recorder runs, pinned in one place. MSK Connect offers Kafka Connect 2.7.1 and
 * 3.7.x; each runs the Debezium PostgreSQL connector line built for it. One broker (3.7.x, KRaft)
 * serves both workers. PostgreSQL comes from Debian's packages (`apt-get install postgresql`).
 */
export const BROKER_VERSION = '3.7.2';

export interface Stack {
  /** The directory name of its traces: test/fixtures/traces/<label>/. */
  readonly label: '3.7.x' | '2.7.1';
  readonly kafkaConnect: string;
  readonly debezium: string;
  /** The log4j 1.x binding this Kafka Connect ships with (reload4j from 3.x on). */
  readonly logBinding: { readonly slf4j: string; readonly log4j: string };
}

export const STACKS: Record<Stack['label'], Stack> = {
  '3.7.x': {
    label: '3.7.x',
    kafkaConnect: '3.7.2',
    debezium: '2.7.4.Final',
    logBinding: { slf4j: 'org.slf4j:slf4j-reload4j:1.7.36', log4j: 'ch.qos.reload4j:reload4j:1.2.25' },
  },
  '2.7.1': {
    label: '2.7.1',
    kafkaConnect: '2.7.1',
    debezium: '1.9.7.Final',
    logBinding: { slf4j: 'org.slf4j:slf4j-log4j12:1.7.30', log4j: 'log4j:log4j:1.2.17' },
  },
};

/** PostgreSQL's major version: Debian 12's package. */
export const POSTGRES_MAJOR = 15;
