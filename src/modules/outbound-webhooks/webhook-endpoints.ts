import { type Clock, NotFoundError, newId, type StoreAccess, ValidationError } from "../../kernel/index.js";
import { eventTypePatternIssues } from "./event-type-patterns.js";
import type { OutboundStores } from "./outbound-store.js";
import { type OutboundDelivery, outboundLimits, type WebhookEndpoint } from "./outbound-types.js";
import { type AddressVetter, checkUrlShape, literalAddressOf, urlRefused } from "./url-policy.js";
import type { WebhookNetwork } from "./webhook-network.js";
import { newSigningSecret } from "./webhook-signing.js";

/** An endpoint as the API shows it: never its secret. */
export type EndpointView = Omit<WebhookEndpoint, "secret" | "previousSecret">;

export interface EndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
}

export interface EndpointUpdate {
  url?: string;
  eventTypes?: string[];
  description?: string;
  /** false disables the endpoint (no new deliveries); true enables it again. */
  enabled?: boolean;
}

/**
 * The app's webhook endpoints: registered with the events they want, a signing secret shown once
 * (at creation and rotation), paused after repeated failures and resumed by hand.
 */
export class WebhookEndpoints {
  readonly #access: StoreAccess<OutboundStores>;
  readonly #clock: Clock;
  readonly #network: WebhookNetwork;
  readonly #vet: AddressVetter;
  readonly #changed: () => void;

  constructor(options: {
    access: StoreAccess<OutboundStores>;
    clock: Clock;
    network: WebhookNetwork;
    vet: AddressVetter;
    /** Called after any change of endpoints (the dispatcher drops its cached subscriptions). */
    onChange: () => void;
  }) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#network = options.network;
    this.#vet = options.vet;
    this.#changed = options.onChange;
  }

  /**
   * Registers an endpoint; the answer carries its secret, the only time it is shown.
   *
   * @example
   * const { endpoint, secret } = await billhook.outbound.endpoints.create({
   *   url: "https://app.example.com/billhook-webhooks", eventTypes: ["entitlements.changed", "credits.*"],
   * });
   */
  async create(input: EndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
    this.#checkFields(input);
    await this.checkUrl(input.url);
    const nowMs = this.#clock.now().getTime();
    const endpoint: WebhookEndpoint = {
      id: newId("we"),
      url: input.url,
      description: input.description ?? "",
      eventTypes: [...new Set(input.eventTypes)],
      secret: newSigningSecret(),
      previousSecret: null,
      previousSecretExpiresAtMs: null,
      status: "active",
      pauseReason: null,
      consecutiveFailures: 0,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    await this.#access.transaction(async (stores) => {
      if ((await stores.outbound.countEndpoints()) >= outboundLimits.endpointsMax) {
        throw new ValidationError("Too many webhook endpoints.", [
          { path: "url", message: `at most ${outboundLimits.endpointsMax} endpoints` },
        ]);
      }
      await stores.outbound.insertEndpoint(endpoint);
    });
    this.#changed();
    return { endpoint: toView(endpoint), secret: endpoint.secret };
  }

  async list(): Promise<EndpointView[]> {
    return (await this.#access.read((stores) => stores.outbound.listEndpoints())).map(toView);
  }

  async get(id: string): Promise<EndpointView> {
    return toView(await this.#find(id));
  }

  async update(id: string, input: EndpointUpdate): Promise<EndpointView> {
    this.#checkFields(input);
    if (input.url !== undefined) await this.checkUrl(input.url);
    const current = await this.#find(id);
    const status =
      input.enabled === false
        ? "disabled"
        : input.enabled === true && current.status === "disabled"
          ? "active"
          : undefined;
    await this.#access.transaction((stores) =>
      stores.outbound.updateEndpoint(
        id,
        {
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.eventTypes !== undefined ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
          ...(status ? { status, pauseReason: null, consecutiveFailures: 0 } : {}),
        },
        this.#clock.now().getTime(),
      ),
    );
    this.#changed();
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.#access.transaction((stores) => stores.outbound.deleteEndpoint(id));
    if (!deleted) throw new NotFoundError("Webhook endpoint", id);
    this.#changed();
  }

  /** A new secret, shown once; the old one keeps signing alongside it for a day. */
  async rotateSecret(id: string): Promise<{ endpoint: EndpointView; secret: string }> {
    const current = await this.#find(id);
    const nowMs = this.#clock.now().getTime();
    const secret = newSigningSecret();
    await this.#access.transaction((stores) =>
      stores.outbound.updateEndpoint(
        id,
        {
          secret,
          previousSecret: current.secret,
          previousSecretExpiresAtMs: nowMs + outboundLimits.previousSecretTtlMs,
        },
        nowMs,
      ),
    );
    return { endpoint: await this.get(id), secret };
  }

  /** Resumes a paused endpoint: its queued deliveries are due at once, in order. */
  async resume(id: string): Promise<EndpointView> {
    await this.#find(id);
    const nowMs = this.#clock.now().getTime();
    await this.#access.transaction(async (stores) => {
      await stores.outbound.updateEndpoint(
        id,
        { status: "active", pauseReason: null, consecutiveFailures: 0 },
        nowMs,
      );
      await stores.outbound.requeuePending(id, nowMs);
    });
    this.#changed();
    return this.get(id);
  }

  async deliveries(
    endpointId: string,
    filter: { status?: "pending" | "delivered"; limit?: number } = {},
  ): Promise<OutboundDelivery[]> {
    await this.#find(endpointId);
    return this.#access.read((stores) =>
      stores.outbound.listDeliveries({
        endpointId,
        limit: filter.limit ?? 50,
        ...(filter.status ? { status: filter.status } : {}),
      }),
    );
  }

  /** Sends a delivery again (same `webhook-id`, so a receiver that deduplicates is not confused). */
  async redeliver(endpointId: string, deliveryId: string): Promise<OutboundDelivery> {
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(async (stores) => {
      const delivery = await stores.outbound.findDelivery(deliveryId);
      if (!delivery || delivery.endpointId !== endpointId)
        throw new NotFoundError("Webhook delivery", deliveryId);
      await stores.outbound.requeue([deliveryId], nowMs);
      return (await stores.outbound.findDelivery(deliveryId))!;
    });
  }

  /**
   * Refuses a URL whose host is, or resolves to, an address that is not allowed (unless private
   * addresses are allowed for development). The same check runs again when connecting.
   */
  async checkUrl(raw: string): Promise<void> {
    const url = checkUrlShape(raw, this.#vet);
    if (literalAddressOf(url.hostname) !== null) return;
    let addresses: string[] | null;
    try {
      addresses = await this.#network.resolve(url.hostname);
    } catch {
      throw urlRefused(raw, `${url.hostname} does not resolve`);
    }
    for (const address of addresses ?? []) {
      const reason = this.#vet(address);
      if (reason) throw urlRefused(raw, `${url.hostname} resolves to a ${reason} address`, { address });
    }
  }

  #checkFields(input: Partial<EndpointInput>): void {
    const issues = [
      ...(input.eventTypes !== undefined &&
      (input.eventTypes.length < 1 || input.eventTypes.length > outboundLimits.eventTypesMax)
        ? [{ path: "eventTypes", message: `must list 1 to ${outboundLimits.eventTypesMax} event types` }]
        : eventTypePatternIssues(input.eventTypes ?? [])),
      ...((input.description?.length ?? 0) > outboundLimits.descriptionLengthMax
        ? [{ path: "description", message: `at most ${outboundLimits.descriptionLengthMax} characters` }]
        : []),
    ];
    if (issues.length > 0) throw new ValidationError("The webhook endpoint is invalid.", issues);
  }

  async #find(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.#access.read((stores) => stores.outbound.findEndpoint(id));
    if (!endpoint) throw new NotFoundError("Webhook endpoint", id);
    return endpoint;
  }
}

function toView({ secret: _secret, previousSecret: _previous, ...view }: WebhookEndpoint): EndpointView {
  return view;
}
