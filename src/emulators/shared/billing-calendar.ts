/** The recurring intervals both providers bill in. */
export type RecurringInterval = "day" | "week" | "month" | "year";

/** Adds `count` intervals in UTC; month and year steps clamp to the last day of shorter months. */
export function addInterval(start: Date, interval: RecurringInterval, count: number): Date {
  const result = new Date(start.getTime());
  switch (interval) {
    case "day":
      result.setUTCDate(result.getUTCDate() + count);
      return result;
    case "week":
      result.setUTCDate(result.getUTCDate() + 7 * count);
      return result;
    case "month":
      return addMonths(start, count);
    case "year":
      return addMonths(start, 12 * count);
  }
}

function addMonths(start: Date, months: number): Date {
  const day = start.getUTCDate();
  const result = new Date(start.getTime());
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export function addDays(start: Date, days: number): Date {
  return new Date(start.getTime() + days * 86_400_000);
}
