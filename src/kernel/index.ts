export * from "./assert.js";
export * from "./clock.js";
export * from "./crypto.js";
export * from "./errors.js";
export * from "./group-commit.js";
export * from "./ids.js";
export * from "./logger.js";
export * from "./store-access.js";
