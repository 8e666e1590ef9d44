import type { Billhook } from "../engine.js";
import type { ApiKey } from "../modules/api-keys/index.js";
import type { CustomerTokenClaims } from "../modules/customer-tokens/index.js";

/** What every request handler can read from the Hono context. */
export interface HttpEnv {
  Variables: {
    billhook: Billhook;
    requestId: string;
    /** Set by the authenticate middleware on every non-public route called with a secret key. */
    apiKey: ApiKey;
    /**
     * Set instead of `apiKey` when the caller holds a customer token (a browser): such a caller only
     * passes routes declared `customerAccessible`, and only for its own customer.
     */
    customerToken?: CustomerTokenClaims;
  };
}
