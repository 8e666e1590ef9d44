export { MemoryRateLimitStore } from "./memory-rate-limit-store.js";
export type * from "./rate-limit-store.js";
export { RateLimiter, type RateLimiterOptions, type RateLimitStatus } from "./rate-limiter.js";
export { msUntilAllowed, slidingEstimate, windowPosition } from "./sliding-window.js";
