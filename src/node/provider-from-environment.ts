import type { Environment } from "../config/index.js";
import type { BillingProvider } from "../modules/provider/index.js";
import { PolarProvider } from "../providers/polar/polar-provider.js";

/** The provider the environment configures, or null when none is (selling is then unavailable). */
export function providerFromEnvironment(environment: Environment): BillingProvider | null {
  if (environment.POLAR_ACCESS_TOKEN) {
    return new PolarProvider({
      accessToken: environment.POLAR_ACCESS_TOKEN,
      webhookSecret: environment.POLAR_WEBHOOK_SECRET,
      ...(environment.POLAR_ENVIRONMENT ? { environment: environment.POLAR_ENVIRONMENT } : {}),
      ...(environment.POLAR_API_URL ? { serverUrl: environment.POLAR_API_URL } : {}),
      ...(environment.POLAR_ORGANIZATION_ID ? { organizationId: environment.POLAR_ORGANIZATION_ID } : {}),
    });
  }
  return null;
}
