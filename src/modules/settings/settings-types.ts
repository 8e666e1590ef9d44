export {
  type RuntimeSettings,
  runtimeSettingsSchema,
  type SettingKey,
  settingKeys,
} from "../../config/index.js";

import type { RuntimeSettings, SettingKey } from "../../config/index.js";

/** A patch: a value sets the key, `null` resets it to the configured default. */
export type SettingsPatch = { [K in SettingKey]?: RuntimeSettings[K] | null };

export interface StoredSetting {
  key: string;
  valueJson: string;
  updatedAtMs: number;
  updatedBy: string;
}

export interface SettingsStore {
  all(): Promise<StoredSetting[]>;
  put(setting: StoredSetting): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface SettingsView {
  values: RuntimeSettings;
  /** The keys whose value was changed at runtime, with when and by whom. */
  overrides: Array<{ key: SettingKey; updatedAt: Date; updatedBy: string }>;
}

/** What a module reads settings through; `Settings` implements it, tests may pass a fixed one. */
export interface SettingsReader {
  /** Inside a unit of work, pass its stores so the read joins it. */
  current(stores?: { settings: SettingsStore }): Promise<RuntimeSettings>;
}

export function fixedSettings(values: RuntimeSettings): SettingsReader {
  return { current: async () => values };
}
