export * from './guard';
export * from './props';
export * from './kafka-connect-version';
export * from './warnings';
