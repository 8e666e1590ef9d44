export { Settings, type SettingsStores } from "./settings-service.js";
export * from "./settings-types.js";
