/**
 * A provider's card processing fee from its published schedule (Stripe US: 2.9 % + 30¢), the
 * percentage rounded half up, in BigInt so no amount loses a cent. Known before payment, so a tip's
 * application fee can include it.
 *
 * @example
 * scheduleFee(1000, { bps: 290, fixedMinor: 30 }); // 59
 */
export function scheduleFee(amountMinor: number, schedule: { bps: number; fixedMinor: number }): number {
  if (amountMinor <= 0) return 0;
  const product = 2n * BigInt(amountMinor) * BigInt(schedule.bps);
  return Number((product + 10_000n) / 20_000n) + schedule.fixedMinor;
}
