export {
  type ProviderEventApplier,
  type ProviderEventModules,
  type ProviderEventStores,
  providerEventRouter,
  type RoutedEvent,
  routeProviderEvent,
} from "./provider-event-router.js";
