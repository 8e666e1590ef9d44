import { describe, expect, it } from "vitest";
import { msUntilAllowed, slidingEstimate } from "./sliding-window.js";

describe("sliding window counter", () => {
  it("weights the previous window by the share the sliding window still covers", () => {
    expect(slidingEstimate({ previous: 10, current: 2 }, 60_000, 15_000)).toBe(9.5);
    expect(slidingEstimate({ previous: 10, current: 2 }, 60_000, 0)).toBe(12);
  });

  it("says when one more request fits: as the previous window fades, or in the next window", () => {
    const window = { limit: 10, windowMs: 60_000 };
    expect(msUntilAllowed({ previous: 0, current: 3 }, window, 5_000)).toBe(0);
    // 10 × (1 - e/60s) + 5 <= 9 once e >= 36 s; now at 30 s → 6 s.
    expect(msUntilAllowed({ previous: 10, current: 5 }, window, 30_000)).toBeCloseTo(6_000);
    // The current window is full: wait for it to end (20 s), then for 10 × (1 - t/60s) <= 9 (6 s).
    expect(msUntilAllowed({ previous: 0, current: 10 }, window, 40_000)).toBeCloseTo(26_000);
  });
});
