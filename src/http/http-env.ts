import type { Billhook } from "../engine.js";
import type { ApiKey } from "../modules/api-keys/index.js";

/** What every request handler can read from the Hono context. */
export interface HttpEnv {
  Variables: {
    billhook: Billhook;
    requestId: string;
    /** Set by the authenticate middleware on every non-public route. */
    apiKey: ApiKey;
  };
}
