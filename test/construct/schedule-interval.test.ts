import { Duration, Lazy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { shortestScheduleInterval } from '../../src/schedule-interval';

describe('shortestScheduleInterval: the least time between two firings, never more', () => {
  test.each([
    { case: 'rate in minutes', schedule: events.Schedule.rate(Duration.minutes(30)), seconds: 1800 },
    { case: 'rate of one hour', schedule: events.Schedule.rate(Duration.hours(1)), seconds: 3600 },
    { case: 'rate in days', schedule: events.Schedule.rate(Duration.days(7)), seconds: 7 * 86_400 },
    { case: 'daily cron', schedule: events.Schedule.cron({ hour: '2', minute: '0' }), seconds: 86_400 },
    { case: 'weekly cron counts as daily (a lower bound)', schedule: events.Schedule.cron({ weekDay: 'SUN', hour: '2', minute: '0' }), seconds: 86_400 },
    { case: 'twice a day, unevenly: the shorter gap', schedule: events.Schedule.cron({ hour: '2,6', minute: '0' }), seconds: 4 * 3600 },
    { case: 'the gap over midnight counts', schedule: events.Schedule.cron({ hour: '1,23', minute: '0' }), seconds: 2 * 3600 },
    { case: 'a range of hours', schedule: events.Schedule.cron({ hour: '8-10', minute: '30' }), seconds: 3600 },
    { case: 'every 15 minutes', schedule: events.Schedule.cron({ minute: '*/15' }), seconds: 900 },
    { case: 'a step from an offset', schedule: events.Schedule.cron({ minute: '5/20', hour: '3' }), seconds: 20 * 60 },
    { case: 'a raw expression', schedule: events.Schedule.expression('cron(0 4 ? * MON-FRI *)'), seconds: 86_400 },
    { case: 'a field it cannot read: EventBridge\'s finest, 60 s', schedule: events.Schedule.expression('cron(0 L * * ? *)'), seconds: 60 },
    { case: 'a token: 60 s', schedule: events.Schedule.expression(Lazy.string({ produce: () => 'rate(1 day)' })), seconds: 60 },
  ])('$case', ({ schedule, seconds }) => {
    expect(shortestScheduleInterval(schedule.expressionString)).toBe(seconds);
  });
});
