// The longest wait between two runs of a cron schedule, and the schedules it refuses to guess at.
import { describe, expect, it } from "vitest";
import { CronScheduleError, cronMaxIntervalSeconds } from "./cron.js";

const minutes = (n: number) => n * 60;
const hours = (n: number) => n * 3600;
const days = (n: number) => n * 86_400;

describe("the longest interval of a cron schedule", () => {
  it.each([
    ["*/5 * * * *", minutes(5)],
    ["* * * * *", minutes(1)],
    ["0 * * * *", hours(1)],
    ["@hourly", hours(1)],
    ["15 */6 * * *", hours(6)],
    // Uneven steps: 0, 7, …, 56, then 4 minutes to the next hour's 0.
    ["*/7 * * * *", minutes(7)],
    ["0,10,45 * * * *", minutes(35)],
    ["30 9-17 * * *", hours(16)],
    ["5/20 * * * *", minutes(20)],
    ["0 0 * * *", days(1)],
    ["@daily", days(1)],
    // Weekdays only: Friday to Monday.
    ["0 6 * * 1-5", days(3)],
    ["0 0 * * 0", days(7)],
    ["0 0 * * 7", days(7)],
    ["@weekly", days(7)],
    // The 1st of each month: 31 days after a 31-day month.
    ["@monthly", days(31)],
    // Only the seven 31-day months: 31 May to 31 July.
    ["0 0 31 * *", days(61)],
    // Kubernetes' day rule: both day fields restricted, either matches (the 1st, or any Sunday).
    ["0 0 1 * 0", days(7)],
    ["@yearly", days(366)],
    ["0 0 29 2 *", days(4 * 365 + 1)],
    ["  */10  *  *  *  *  ", minutes(10)],
    ["0 * ? * ?", hours(1)],
  ])("%s waits at most %i seconds", (schedule, seconds) => {
    expect(cronMaxIntervalSeconds(schedule)).toBe(seconds);
  });

  it.each([
    ["every hour", /expected 5 fields/],
    ["* * * *", /expected 5 fields .*, got 4/],
    ["0 0 * * MON", /day of week "MON" is not a number/],
    ["0 0 L * *", /day of month "L"/],
    ["0 0 * * 1#2", /day of week "1#2"/],
    ["60 * * * *", /minute "60" is outside 0-59/],
    ["0 5-2 * * *", /hour "5-2" is outside 0-23/],
    ["*/0 * * * *", /minute step "\*\/0" must be at least 1/],
    ["0 0 32 * *", /day of month "32" is outside 1-31/],
    ["@reboot", /@reboot is not a known macro/],
    ["0 0 30 2 *", /does not run at least twice/],
    ["TZ=Europe/Paris 0 * * * *", /expected 5 fields .*, got 6/],
  ])("refuses %s, saying why", (schedule, reason) => {
    expect(() => cronMaxIntervalSeconds(schedule)).toThrow(CronScheduleError);
    expect(() => cronMaxIntervalSeconds(schedule)).toThrow(reason);
    expect(() => cronMaxIntervalSeconds(schedule)).toThrow(`cannot read cron schedule "${schedule}"`);
  });
});
