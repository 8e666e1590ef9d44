import { type Clock, type StoreAccess, ValidationError } from "../../kernel/index.js";
import {
  type RuntimeSettings,
  runtimeSettingsSchema,
  type SettingKey,
  type SettingsPatch,
  type SettingsReader,
  type SettingsStore,
  type SettingsView,
  type StoredSetting,
  settingKeys,
} from "./settings-types.js";

export interface SettingsStores {
  settings: SettingsStore;
}

/**
 * Runtime settings: configured defaults plus the overrides an operator stored. Reads are cached for
 * `cacheMs` (by the injected clock), so every instance sees a change within that time and the hot
 * paths do not query for it; the instance that made the change sees it at once.
 *
 * @example
 * await billhook.settings.update({ platformFeeBps: 1500 }, "key_admin");
 * (await billhook.settings.current()).platformFeeBps; // 1500
 */
export class Settings implements SettingsReader {
  readonly #access: StoreAccess<SettingsStores>;
  readonly #clock: Clock;
  readonly #defaults: RuntimeSettings;
  readonly #cacheMs: number;
  #cached: { view: SettingsView; loadedAtMs: number } | null = null;

  constructor(options: {
    access: StoreAccess<SettingsStores>;
    clock: Clock;
    defaults: RuntimeSettings;
    cacheMs?: number;
  }) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#defaults = runtimeSettingsSchema.parse(options.defaults);
    this.#cacheMs = options.cacheMs ?? 2_000;
  }

  get defaults(): RuntimeSettings {
    return this.#defaults;
  }

  /** Inside a unit of work pass its stores: the read then joins it instead of another connection. */
  async current(stores?: SettingsStores): Promise<RuntimeSettings> {
    return (await this.describe(stores)).values;
  }

  async describe(within?: SettingsStores): Promise<SettingsView> {
    const nowMs = this.#clock.now().getTime();
    if (this.#cached && nowMs - this.#cached.loadedAtMs < this.#cacheMs) return this.#cached.view;
    const stored = within
      ? await within.settings.all()
      : await this.#access.read((stores) => stores.settings.all());
    const view = this.#merge(stored);
    this.#cached = { view, loadedAtMs: nowMs };
    return view;
  }

  /**
   * Applies a patch atomically: the merged result is validated as a whole (thresholds stay ordered),
   * and a bad value changes nothing. Setting a value equal to the current one is a no-op write.
   */
  async update(patch: SettingsPatch, actor: string): Promise<SettingsView> {
    const unknown = Object.keys(patch).filter((key) => !settingKeys.includes(key as SettingKey));
    if (unknown.length > 0) {
      throw new ValidationError(
        "Unknown settings.",
        unknown.map((key) => ({ path: key, message: `not a setting; known: ${settingKeys.join(", ")}` })),
      );
    }
    const nowMs = this.#clock.now().getTime();
    const view = await this.#access.transaction(async (stores) => {
      const stored = new Map((await stores.settings.all()).map((row) => [row.key, row]));
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        if (value === null) stored.delete(key);
        else stored.set(key, { key, valueJson: JSON.stringify(value), updatedAtMs: nowMs, updatedBy: actor });
      }
      const merged = this.#merge([...stored.values()]);
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        if (value === null) await stores.settings.remove(key);
        else await stores.settings.put(stored.get(key)!);
      }
      return merged;
    });
    this.#cached = { view, loadedAtMs: nowMs };
    return view;
  }

  #merge(stored: StoredSetting[]): SettingsView {
    const values: Record<string, unknown> = { ...this.#defaults };
    const overrides: SettingsView["overrides"] = [];
    for (const row of stored) {
      if (!settingKeys.includes(row.key as SettingKey)) continue;
      values[row.key] = JSON.parse(row.valueJson);
      overrides.push({
        key: row.key as SettingKey,
        updatedAt: new Date(row.updatedAtMs),
        updatedBy: row.updatedBy,
      });
    }
    const parsed = runtimeSettingsSchema.safeParse(values);
    if (!parsed.success) {
      throw new ValidationError(
        "The settings are invalid.",
        parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join("."),
          message: issue.message,
        })),
      );
    }
    return { values: parsed.data, overrides: overrides.sort((a, b) => a.key.localeCompare(b.key)) };
  }
}
