import type { Billhook } from "../engine.js";
import { gateFeature, isSuccess, meterUsage } from "./feature-gate.js";

/**
 * The parts of Express's request/response these helpers use, typed structurally so Billhook does not
 * depend on Express (an Express `req`/`res` fits, and so does Node's own `IncomingMessage`/`ServerResponse`).
 */
export interface ExpressLikeRequest {
  headers: Record<string, string | string[] | undefined>;
}
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
  once(event: "finish", listener: () => void): unknown;
}
export type ExpressLikeNext = (error?: unknown) => void;
export type ExpressLikeMiddleware<Req extends ExpressLikeRequest = ExpressLikeRequest> = (
  req: Req,
  res: ExpressLikeResponse,
  next: ExpressLikeNext,
) => void;

/**
 * Express middleware: the request continues only when the customer may use `feature`; otherwise the
 * same problem+json answer as the Hono `requireFeature` (403/402 with the upgrade hint).
 *
 * @example
 * app.get("/export", expressRequireFeature(billhook, "export", { customerId: (req) => req.user?.id }), handler);
 */
export function expressRequireFeature<Req extends ExpressLikeRequest>(
  billhook: Billhook,
  feature: string,
  options: { customerId: (req: Req) => string | undefined; units?: (req: Req) => number | undefined },
): ExpressLikeMiddleware<Req> {
  return (req, res, next) => {
    gateFeature(billhook, { customerId: options.customerId(req), feature, units: options.units?.(req) })
      .then(async (denied) => {
        if (!denied) return next();
        res.statusCode = denied.status;
        res.setHeader("content-type", denied.headers.get("content-type") ?? "application/problem+json");
        res.end(await denied.text());
      })
      .catch(next);
  };
}

/**
 * Express middleware that records one usage `event` once the response has been sent with a 2xx
 * status. The idempotency key defaults to the request's `Idempotency-Key` or `X-Request-Id` header.
 *
 * @example
 * app.post("/api/generate", expressMeter(billhook, "api.request", { customerId: (req) => req.user?.id }), handler);
 */
export function expressMeter<Req extends ExpressLikeRequest>(
  billhook: Billhook,
  event: string,
  options: {
    customerId: (req: Req) => string | undefined;
    value?: (req: Req) => number | undefined;
    idempotencyKey?: (req: Req) => string | undefined;
  },
): ExpressLikeMiddleware<Req> {
  return (req, res, next) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const key =
      options.idempotencyKey?.(req) ??
      header("idempotency-key") ??
      header("x-request-id") ??
      crypto.randomUUID();
    res.once("finish", () => {
      if (!isSuccess(res.statusCode)) return;
      void meterUsage(billhook, {
        customerId: options.customerId(req),
        event,
        value: options.value?.(req),
        idempotencyKey: key,
      });
    });
    next();
  };
}
