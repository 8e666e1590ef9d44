export {
  type CustomerEvent,
  CustomerEvents,
  type CustomerSnapshot,
  type WatchOptions,
} from "./customer-events.js";
