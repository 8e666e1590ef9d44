import pino from "pino";
import type { Logger } from "../kernel/index.js";

/**
 * pino as Billhook's logger. Redaction is a second line of defence: callers already never pass keys,
 * but a header object logged by mistake would still have its credentials censored.
 */
export function createPinoLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "billhook" },
    redact: {
      paths: [
        "authorization",
        "*.authorization",
        "headers.authorization",
        "secret",
        "*.secret",
        "apiKey.secret",
      ],
      censor: "[redacted]",
    },
  });
}
