export { announceWrites } from "./change-announcements.js";
export {
  ChangeListeners,
  type CustomerChangeBus,
  type CustomerChangeListener,
  customerChangedChannel,
  LocalChangeBus,
} from "./customer-change-bus.js";
export {
  type CustomerEvent,
  CustomerEvents,
  type CustomerEventsOptions,
  type CustomerSnapshot,
  type PurchaseOutcome,
  type UsageHealth,
  type WatchOptions,
} from "./customer-events.js";
