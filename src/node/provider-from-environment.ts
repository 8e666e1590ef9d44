import type { Environment } from "../config/index.js";
import { BillhookError, type Clock, systemClock } from "../kernel/index.js";
import type { BillingProvider } from "../modules/provider/index.js";
import { PolarProvider } from "../providers/polar/polar-provider.js";
import { StripeProvider } from "../providers/stripe/stripe-provider.js";

/**
 * The provider the environment configures, or null when none is (selling is then unavailable).
 * `clock` is the engine's, so reconciliation stamps what it reads with the same time.
 */
export function providerFromEnvironment(
  environment: Environment,
  clock: Clock = systemClock,
): BillingProvider | null {
  if (environment.POLAR_ACCESS_TOKEN && environment.STRIPE_SECRET_KEY) {
    throw new BillhookError(
      "CONFIG_INVALID",
      "Invalid configuration:\n  environment: POLAR_ACCESS_TOKEN and STRIPE_SECRET_KEY are both set; one engine sells through one provider.",
    );
  }
  if (environment.POLAR_ACCESS_TOKEN) {
    return new PolarProvider({
      accessToken: environment.POLAR_ACCESS_TOKEN,
      webhookSecret: environment.POLAR_WEBHOOK_SECRET,
      ...(environment.POLAR_ENVIRONMENT ? { environment: environment.POLAR_ENVIRONMENT } : {}),
      ...(environment.POLAR_API_URL ? { serverUrl: environment.POLAR_API_URL } : {}),
      ...(environment.POLAR_ORGANIZATION_ID ? { organizationId: environment.POLAR_ORGANIZATION_ID } : {}),
    });
  }
  if (environment.STRIPE_SECRET_KEY) {
    return new StripeProvider({
      secretKey: environment.STRIPE_SECRET_KEY,
      webhookSecret: environment.STRIPE_WEBHOOK_SECRET,
      connectWebhookSecret: environment.STRIPE_CONNECT_WEBHOOK_SECRET,
      clock,
      ...(environment.STRIPE_API_URL ? { apiUrl: environment.STRIPE_API_URL } : {}),
      ...(environment.STRIPE_PUBLISHABLE_KEY ? { publishableKey: environment.STRIPE_PUBLISHABLE_KEY } : {}),
    });
  }
  return null;
}
