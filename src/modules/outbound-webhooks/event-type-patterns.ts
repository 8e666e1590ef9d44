import type { FieldIssue } from "../../kernel/index.js";
import { domainEventTypes } from "../domain-events/index.js";

/**
 * Whether an endpoint subscribed to `patterns` receives events of `type`: an exact type
 * (`order.paid`), a family (`subscription.*`) or everything (`*`).
 *
 * @example
 * matchesEventType(["subscription.*"], "subscription.canceled"); // true
 */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === "*" ||
      pattern === type ||
      (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1))),
  );
}

/** Issues for patterns that match no event type Billhook records (a typo would silently match nothing). */
export function eventTypePatternIssues(patterns: readonly string[]): FieldIssue[] {
  return patterns.flatMap((pattern, index) =>
    domainEventTypes.some((type) => matchesEventType([pattern], type))
      ? []
      : [
          {
            path: `eventTypes.${index}`,
            message: `"${pattern}" matches no event type; see docs/webhooks.md`,
          },
        ],
  );
}
