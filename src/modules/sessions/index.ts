export type { SessionStore } from "./session-store.js";
export type * from "./session-types.js";
export { sessionLimits } from "./session-types.js";
export { DashboardSessions, type SessionStores } from "./sessions-service.js";
