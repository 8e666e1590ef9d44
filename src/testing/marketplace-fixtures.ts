import type { SellerRecord } from "../modules/marketplace/index.js";

/**
 * A seller row as the marketplace records one, for tests that apply provider events directly:
 * ready to take charges unless `overrides` say otherwise. Ids derive from `run`, so runs never collide.
 */
export function sellerRecord(run: string, overrides: Partial<SellerRecord> = {}): SellerRecord {
  return {
    id: `sel_${run}`,
    externalId: `creator_${run}`,
    handle: `creator-${run}`,
    email: "creator@example.com",
    country: "US",
    provider: "stripe",
    providerAccountId: `acct_${run}`,
    detailsSubmitted: true,
    chargesEnabled: true,
    payoutsEnabled: true,
    requirementsDue: [],
    providerModifiedAtMs: 0,
    createdAtMs: 0,
    ...overrides,
  };
}

/**
 * Completes the Stripe emulator's hosted onboarding page at `url` as a seller would (name, terms),
 * and answers the page's response: 303 back to the platform's return URL when it worked.
 */
export function completeEmulatorOnboarding(url: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ first_name: "Ada", last_name: "Creator", tos: "accepted" }).toString(),
  });
}
