import type { FaultSettings } from "../emulators/polar/index.js";
import type { CustomerChangeBus } from "../modules/realtime/index.js";
import type { Storage } from "../storage/index.js";
import { type PolarDriver, startPolarDriver } from "./provider-drivers.js";
import { conformanceCatalog, type ProviderHarness, startProviderHarness } from "./provider-harness.js";

/** The conformance catalog's plan and products (not its credit pack) plus a pay-what-you-want tip. */
export const testCatalog = {
  catalog: {
    features: conformanceCatalog.catalog.features,
    plans: conformanceCatalog.catalog.plans,
    products: conformanceCatalog.catalog.products,
    tips: {
      tip: { name: "Tip", currency: "USD", minimumMinor: 100, maximumMinor: 10_000, presetMinor: 500 },
    },
  },
} as const;

/** The provider harness on the Polar emulator, with Polar's own SDK and emulator at hand. */
export interface PolarHarness extends ProviderHarness<PolarDriver> {
  emulator: PolarDriver["emulator"];
  polar: PolarDriver["polar"];
  faults(settings: Partial<FaultSettings>): Promise<void>;
}

/** Billhook served over real HTTP, with the Polar emulator sending it signed webhooks. */
export async function startPolarHarness(
  storage: Storage,
  options: {
    settings?: Record<string, unknown>;
    seed?: string;
    /** Replaces `testCatalog.catalog` (e.g. one with credit packs). */
    catalog?: Record<string, unknown>;
    changeBus?: CustomerChangeBus;
  } = {},
): Promise<PolarHarness> {
  const driver = await startPolarDriver(options.seed ?? "billhook-e2e");
  const harness = await startProviderHarness(storage, driver, {
    catalog: options.catalog ?? testCatalog.catalog,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.changeBus ? { changeBus: options.changeBus } : {}),
  });
  return {
    ...harness,
    emulator: driver.emulator,
    polar: driver.polar,
    faults: (settings) => driver.setFaults(settings as Record<string, number>),
  };
}
