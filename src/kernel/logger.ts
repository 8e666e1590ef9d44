/**
 * The logging port. The Node entry point plugs in pino; tests and Workers may plug in anything.
 * Callers pass structured fields and never a secret: keys, tokens and signatures stay out of logs.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
