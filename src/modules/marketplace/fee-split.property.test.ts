import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refundShares, scheduleFee, splitCharge } from "./fee-split.js";

const charge = fc
  .record({
    grossMinor: fc.integer({ min: 0, max: 100_000_000 }),
    feeBps: fc.integer({ min: 0, max: 10_000 }),
    providerFeeRatio: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ grossMinor, feeBps, providerFeeRatio }) => {
    const platformFeeMinor = Math.floor((grossMinor * feeBps) / 10_000);
    const providerFeeMinor = Math.floor((grossMinor - platformFeeMinor) * providerFeeRatio);
    return { grossMinor, feeBps, providerFeeMinor };
  });

describe("the marketplace fee split", () => {
  it("sums exactly: gross = platform fee + provider fee + seller net, none negative", () => {
    fc.assert(
      fc.property(charge, (input) => {
        const split = splitCharge(input);
        expect(split.platformFeeMinor + split.providerFeeMinor + split.sellerNetMinor).toBe(input.grossMinor);
        expect(split.platformFeeMinor).toBe(Math.floor((input.grossMinor * input.feeBps) / 10_000));
        expect(split.providerFeeMinor).toBe(input.providerFeeMinor);
        expect(
          Math.min(split.platformFeeMinor, split.providerFeeMinor, split.sellerNetMinor),
        ).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it("reverses any sequence of partial refunds proportionally, never losing or creating a cent", () => {
    fc.assert(
      fc.property(
        charge,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (input, cuts) => {
          const split = splitCharge(input);
          const cumulative = [
            ...cuts.map((cut) => Math.floor(cut * split.grossMinor)),
            split.grossMinor,
          ].sort((a, b) => a - b);
          let booked = refundShares(split, 0);
          const reversed = { platformFeeMinor: 0, providerFeeMinor: 0, sellerNetMinor: 0 };
          for (const refunded of cumulative) {
            const shares = refundShares(split, refunded);
            expect(shares.platformFeeMinor + shares.providerFeeMinor + shares.sellerNetMinor).toBe(refunded);
            // Each step books a non-negative delta of every part: a later refund never re-credits.
            for (const part of ["platformFeeMinor", "providerFeeMinor", "sellerNetMinor"] as const) {
              const delta = shares[part] - booked[part];
              expect(delta).toBeGreaterThanOrEqual(0);
              reversed[part] += delta;
            }
            // Proportional: the seller's part is within half a cent of its exact share; the platform's
            // and the provider's (which divide the fees' rounded share) within two.
            for (const part of ["platformFeeMinor", "providerFeeMinor", "sellerNetMinor"] as const) {
              const exact = split.grossMinor === 0 ? 0 : (split[part] * refunded) / split.grossMinor;
              expect(Math.abs(shares[part] - exact)).toBeLessThanOrEqual(part === "sellerNetMinor" ? 0.5 : 2);
            }
            booked = shares;
          }
          // The full refund, reached in steps, reverses every part exactly.
          expect(reversed).toEqual({
            platformFeeMinor: split.platformFeeMinor,
            providerFeeMinor: split.providerFeeMinor,
            sellerNetMinor: split.sellerNetMinor,
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("quotes the provider's schedule with the percentage rounded half up", () => {
    expect(scheduleFee(1000, { bps: 290, fixedMinor: 30 })).toBe(59);
    expect(scheduleFee(50, { bps: 290, fixedMinor: 30 })).toBe(31);
    expect(scheduleFee(0, { bps: 290, fixedMinor: 30 })).toBe(0);
  });
});
