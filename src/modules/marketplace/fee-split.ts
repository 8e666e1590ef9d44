import { assert } from "../../kernel/index.js";

/** One basis point is 1/10 000; fees are whole basis points from 0 to 100 %. */
export const feeBpsMax = 10_000;

/**
 * How one paid charge divides, in minor units of its currency. Always
 * `grossMinor = platformFeeMinor + providerFeeMinor + sellerNetMinor`, exactly.
 */
export interface ChargeSplit {
  grossMinor: number;
  feeBps: number;
  platformFeeMinor: number;
  providerFeeMinor: number;
  sellerNetMinor: number;
}

/** The parts of a charge that a cumulative refund has reversed; they sum to the refunded amount. */
export interface RefundShares {
  refundedMinor: number;
  platformFeeMinor: number;
  providerFeeMinor: number;
  sellerNetMinor: number;
}

/**
 * Splits a charge. Rounding rule: the platform fee is `floor(gross × bps / 10 000)` (a fraction of a
 * cent goes to the seller); the provider fee is what the provider takes; the seller gets the rest.
 *
 * @example
 * splitCharge({ grossMinor: 999, feeBps: 1000, providerFeeMinor: 59 });
 * // → platformFeeMinor 99, providerFeeMinor 59, sellerNetMinor 841
 */
export function splitCharge(input: {
  grossMinor: number;
  feeBps: number;
  providerFeeMinor: number;
}): ChargeSplit {
  const { grossMinor, feeBps, providerFeeMinor } = input;
  assert(Number.isSafeInteger(grossMinor) && grossMinor >= 0, "gross must be a non-negative integer");
  assert(Number.isInteger(feeBps) && feeBps >= 0 && feeBps <= feeBpsMax, "fee bps must be 0…10000");
  const platformFeeMinor = flooredRatio(grossMinor, feeBps, feeBpsMax);
  // A provider fee larger than what is left would make the seller owe money on a sale.
  const cappedProviderFee = Math.min(Math.max(providerFeeMinor, 0), grossMinor - platformFeeMinor);
  const split = {
    grossMinor,
    feeBps,
    platformFeeMinor,
    providerFeeMinor: cappedProviderFee,
    sellerNetMinor: grossMinor - platformFeeMinor - cappedProviderFee,
  };
  assert(
    split.platformFeeMinor + split.providerFeeMinor + split.sellerNetMinor === grossMinor,
    "a split must sum to the gross",
  );
  return split;
}

/**
 * `round(a × b / denominator)` with halves rounded up, and `floor(a × b / denominator)`, computed in
 * BigInt: products of two large amounts pass 2^53, where a float would silently lose cents.
 */
function roundedRatio(a: number, b: number, denominator: number): number {
  const d = BigInt(denominator);
  return Number((2n * BigInt(a) * BigInt(b) + d) / (2n * d));
}

function flooredRatio(a: number, b: number, denominator: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(denominator));
}

/**
 * What a cumulative refund of `refundedMinor` reverses, proportionally. Rounding rule, chosen to match
 * the provider's proportional `refund_application_fee`: the fees' share (platform + provider) is
 * rounded half up, the seller's share is the rest, and the fees' share divides between platform and
 * provider with the platform's part rounded down. Every part only grows as the refund grows, and a
 * full refund reverses every part exactly, so booking the difference to the previous refund never
 * loses or creates a cent.
 */
export function refundShares(split: ChargeSplit, refundedMinor: number): RefundShares {
  const refunded = Math.min(Math.max(refundedMinor, 0), split.grossMinor);
  if (split.grossMinor === 0)
    return { refundedMinor: 0, platformFeeMinor: 0, providerFeeMinor: 0, sellerNetMinor: 0 };
  const fees = split.platformFeeMinor + split.providerFeeMinor;
  const feesShare = roundedRatio(fees, refunded, split.grossMinor);
  const platformShare = fees === 0 ? 0 : flooredRatio(split.platformFeeMinor, feesShare, fees);
  return {
    refundedMinor: refunded,
    platformFeeMinor: platformShare,
    providerFeeMinor: feesShare - platformShare,
    sellerNetMinor: refunded - feesShare,
  };
}

export { scheduleFee } from "../provider/index.js";
