import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { type BillhookClient, createBillhookClient } from "../client/client.js";
import type { CustomerSnapshot } from "../modules/realtime/index.js";
import { followEventStream, type StreamEvent } from "./event-stream.js";
import { BillhookStyles } from "./styles.js";

/** What your server answers when the provider asks for a customer token. */
export interface CustomerToken {
  token: string;
  expiresAt: string | Date;
}

export interface BillhookProviderProps {
  /** Where Billhook's API lives, e.g. `https://billing.example.com`. */
  baseUrl: string;
  /** The signed-in customer (your user or organisation id); the token must be for this customer. */
  customerId: string;
  /**
   * Asks your server for a customer token; your server calls `POST /v1/customers/{id}/tokens` with
   * its secret key. Called at mount and again shortly before each token expires.
   */
  getToken: () => Promise<CustomerToken>;
  /** Leave out the default styles (you style `.bh-*` yourself). */
  unstyled?: boolean;
  children?: ReactNode;
}

export type ConnectionStatus = "connecting" | "live" | "offline";

export interface BillhookContextValue {
  baseUrl: string;
  customerId: string;
  /** A client holding the current token; null until the first token arrives. */
  client: BillhookClient | null;
  /** The customer's live state: set by the stream's snapshot and kept current by its events. */
  state: CustomerSnapshot | null;
  connection: ConnectionStatus;
  /** Why no token could be had, when that is the case. */
  tokenError: string | null;
  /** Every raw stream event (purchase outcomes, usage changes…); returns the unsubscribe. */
  subscribe(listener: (event: StreamEvent) => void): () => void;
}

const BillhookContext = createContext<BillhookContextValue | null>(null);

/** Refresh this long before expiry (or at 80 % of a shorter lifetime). */
const refreshLeadMs = 60_000;
const tokenRetryMs = 5_000;

/**
 * Holds a customer token (fetched from your server, refreshed before it expires), follows the
 * customer's event stream, and gives every Billhook widget below it the live state.
 *
 * @example
 * <BillhookProvider baseUrl="https://billing.example.com" customerId={user.id}
 *   getToken={() => fetch("/api/billhook-token", { method: "POST" }).then((r) => r.json())}>
 *   <BuyCredits type="images" />
 * </BillhookProvider>
 */
export function BillhookProvider(props: BillhookProviderProps) {
  const { baseUrl, customerId } = props;
  const getToken = useRef(props.getToken);
  getToken.current = props.getToken;
  const [token, setToken] = useState<string | null>(null);
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [state, setState] = useState<CustomerSnapshot | null>(null);
  const [connection, setConnection] = useState<ConnectionStatus>("connecting");
  const listeners = useRef(new Set<(event: StreamEvent) => void>());

  // biome-ignore lint/correctness/useExhaustiveDependencies: another customer needs another token
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      try {
        const minted = await getToken.current();
        if (cancelled) return;
        setToken(minted.token);
        setTokenError(null);
        const lifetimeMs = new Date(minted.expiresAt).getTime() - Date.now();
        const nextMs = Math.max(tokenRetryMs, Math.min(lifetimeMs - refreshLeadMs, lifetimeMs * 0.8));
        timer = setTimeout(refresh, nextMs);
      } catch (error) {
        if (cancelled) return;
        setTokenError(error instanceof Error ? error.message : String(error));
        timer = setTimeout(refresh, tokenRetryMs);
      }
    };
    void refresh();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [customerId]);

  useEffect(() => {
    if (!token) return;
    const controller = new AbortController();
    void followEventStream({
      url: `${baseUrl.replace(/\/$/, "")}/v1/customers/${encodeURIComponent(customerId)}/events`,
      token,
      signal: controller.signal,
      onStatus: setConnection,
      onEvent: (event) => {
        setState((current) => applyEvent(current, event));
        for (const listener of listeners.current) listener(event);
      },
    });
    return () => controller.abort();
  }, [baseUrl, customerId, token]);

  const subscribe = useCallback((listener: (event: StreamEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const client = useMemo(
    () =>
      token
        ? createBillhookClient({ baseUrl, apiKey: token, retry: { attemptsMax: 2 }, timeoutMs: 15_000 })
        : null,
    [baseUrl, token],
  );
  const value = useMemo<BillhookContextValue>(
    () => ({
      baseUrl,
      customerId,
      client,
      state,
      connection,
      tokenError,
      subscribe,
    }),
    [baseUrl, customerId, client, state, connection, tokenError, subscribe],
  );
  return (
    <BillhookContext.Provider value={value}>
      <div className="bh-root">
        {props.unstyled ? null : <BillhookStyles />}
        {props.children}
      </div>
    </BillhookContext.Provider>
  );
}

function applyEvent(current: CustomerSnapshot | null, event: StreamEvent): CustomerSnapshot | null {
  const data = event.data as Partial<CustomerSnapshot>;
  if (event.event === "snapshot") return event.data as CustomerSnapshot;
  if (!current) return current;
  if (event.event === "balance.changed" && data.balances) return { ...current, balances: data.balances };
  if (event.event === "entitlements.changed" && data.entitlements) {
    return { ...current, entitlements: data.entitlements };
  }
  if (event.event === "usage.changed" && data.usage) return { ...current, usage: data.usage };
  return current;
}

/** The nearest provider's context; throws outside one, naming the widget. */
export function useBillhook(widget = "This component"): BillhookContextValue {
  const context = useContext(BillhookContext);
  if (!context) throw new Error(`${widget} must be rendered inside <BillhookProvider>.`);
  return context;
}

/** Calls `listener` for each stream event while mounted. */
export function useBillhookEvents(listener: (event: StreamEvent) => void): void {
  const { subscribe } = useBillhook();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}
