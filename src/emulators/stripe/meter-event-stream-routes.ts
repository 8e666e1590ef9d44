import type { Context } from "hono";
import { z } from "zod";
import { recordMeterEvent } from "./meters-routes.js";
import type { StripeApp, StripeEnv } from "./stripe-app-types.js";
import { StripeApiError } from "./stripe-errors.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** Stripe: a meter event session's token is valid for 15 minutes. */
export const METER_EVENT_SESSION_TTL_SECONDS = 15 * 60;
/** Stripe: at most 100 events per stream request. */
export const METER_EVENT_STREAM_BATCH_MAX = 100;

interface MeterEventSession {
  id: string;
  object: "v2.billing.meter_event_session";
  authentication_token: string;
  created: string;
  expires_at: string;
  livemode: false;
}

/** An event the stream accepted (202) but could not apply; Stripe reports these asynchronously. */
export interface MeterEventStreamError {
  identifier: string | null;
  event_name: string;
  message: string;
}

/** Sessions and deferred errors per emulator; not persisted (tokens are short-lived at Stripe too). */
const streams = new WeakMap<
  StripeEmulatorRuntime,
  { sessions: Map<string, MeterEventSession>; errors: MeterEventStreamError[] }
>();

function streamState(runtime: StripeEmulatorRuntime) {
  let state = streams.get(runtime);
  if (!state) {
    state = { sessions: new Map(), errors: [] };
    streams.set(runtime, state);
  }
  return state;
}

/** What the stream could not apply, in arrival order (`GET /_emulator/meter_event_stream/errors`). */
export function meterEventStreamErrors(runtime: StripeEmulatorRuntime): readonly MeterEventStreamError[] {
  return streamState(runtime).errors;
}

const streamSchema = z.object({
  events: z
    .array(
      z.object({
        event_name: z.string().min(1),
        identifier: z.string().max(100).optional(),
        payload: z.record(z.string(), z.string()),
        timestamp: z.string().datetime({ offset: true }).optional(),
      }),
    )
    .min(1)
    .max(METER_EVENT_STREAM_BATCH_MAX),
});

/** v2 errors: `{error: {type, code, message}}`; stripe-node picks the error class from `type`. */
function v2Error(
  context: Context<StripeEnv>,
  status: 400 | 401,
  type: string,
  code: string,
  message: string,
) {
  return context.json({ error: { type, code, message } }, status);
}

function bearer(context: Context<StripeEnv>): string {
  const header = context.req.header("authorization") ?? "";
  return header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
}

/**
 * Stripe's high-throughput usage API: `POST /v2/billing/meter_event_session` (secret key) hands out a
 * 15-minute token; `POST /v2/billing/meter_event_stream` (that token) takes up to 100 events as JSON and
 * answers 202 at once. As at Stripe, events are validated after acceptance: one it cannot apply (no
 * meter, unknown customer, stale timestamp) is reported, not refused, and a repeated identifier is
 * dropped. The stream shares the v1 events' store, so summaries and invoices count both.
 */
export function registerMeterEventStreamRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const state = streamState(runtime);

  app.post("/v2/billing/meter_event_session", (context) => {
    if (bearer(context) !== runtime.secretKey)
      throw new StripeApiError(401, { type: "invalid_request_error", message: "Invalid API Key provided." });
    const now = runtime.nowSeconds();
    const session: MeterEventSession = {
      id: runtime.newId("mes_", 24),
      object: "v2.billing.meter_event_session",
      authentication_token: runtime.newId("mes_tok_", 48),
      created: new Date(now * 1000).toISOString(),
      expires_at: new Date((now + METER_EVENT_SESSION_TTL_SECONDS) * 1000).toISOString(),
      livemode: false,
    };
    state.sessions.set(session.authentication_token, session);
    return context.json(session);
  });

  app.post("/v2/billing/meter_event_stream", async (context) => {
    const session = state.sessions.get(bearer(context));
    if (!session)
      return v2Error(
        context,
        401,
        "invalid_request_error",
        "unauthorized",
        "Invalid meter event session token.",
      );
    if (Date.parse(session.expires_at) <= runtime.nowSeconds() * 1000) {
      state.sessions.delete(session.authentication_token);
      return v2Error(
        context,
        401,
        "temporary_session_expired",
        "billing_meter_event_session_expired",
        "The meter event session has expired. Create a new session.",
      );
    }
    const parsed = streamSchema.safeParse(await context.req.json().catch(() => null));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return v2Error(
        context,
        400,
        "invalid_request_error",
        "invalid_fields",
        `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
      );
    }
    for (const event of parsed.data.events) {
      if (event.identifier && runtime.store.meterEvents.get(event.identifier)) continue;
      try {
        recordMeterEvent(runtime, {
          event_name: event.event_name,
          payload: event.payload,
          identifier: event.identifier,
          timestamp: event.timestamp ? Math.floor(Date.parse(event.timestamp) / 1000) : undefined,
        });
      } catch (error) {
        if (!(error instanceof StripeApiError)) throw error;
        state.errors.push({
          identifier: event.identifier ?? null,
          event_name: event.event_name,
          message: error.message,
        });
      }
    }
    return context.json({}, 202);
  });

  app.get("/_emulator/meter_event_stream/errors", (context) => context.json({ data: state.errors }));
}
