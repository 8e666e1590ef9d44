import { Polar } from "@polar-sh/sdk";
import { HTTPClient } from "@polar-sh/sdk/lib/http.js";
import type { RecordedExchange } from "./openapi-response-validator.js";

/** An SDK client pointed at the emulator that keeps a copy of every response for schema checks. */
export function recordingPolarClient(
  serverURL: string,
  accessToken: string,
): { polar: Polar; exchanges: RecordedExchange[]; settle(): Promise<void> } {
  const exchanges: RecordedExchange[] = [];
  const pending: Array<Promise<void>> = [];
  const httpClient = new HTTPClient();
  httpClient.addHook("response", (response, request) => {
    const copy = response.clone();
    pending.push(
      copy.text().then((body) => {
        exchanges.push({
          method: request.method,
          url: request.url,
          status: response.status,
          contentType: response.headers.get("content-type"),
          body,
        });
      }),
    );
  });
  return {
    polar: new Polar({ accessToken, serverURL, httpClient }),
    exchanges,
    settle: async () => {
      await Promise.all(pending);
    },
  };
}
