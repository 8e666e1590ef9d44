import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { Checkout, ProductList } from "../client/contract.js";
import type { PurchaseOutcome } from "../modules/realtime/index.js";
import { useBillhook, useBillhookEvents } from "./billhook-provider.js";
import { formatPrice, plural } from "./format.js";

type Product = ProductList["items"][number];

/** Where a purchase stands; `processing` ends only when the provider's webhook has been applied. */
export type PurchaseState =
  | { step: "loading" }
  | { step: "ready"; checkout: Checkout }
  | { step: "processing"; checkout: Checkout }
  | { step: "success"; checkout: Checkout }
  | { step: "failure"; message: string };

export interface PurchaseModalProps {
  /** The catalog key of what is being bought (a credit pack, a one-time product or a plan). */
  product: string;
  open: boolean;
  onClose: () => void;
  /** Where the provider's checkout returns the buyer; default: this page. */
  successUrl?: string;
  /** Called once the purchase has been applied (the balance or entitlement already changed). */
  onSuccess?: (checkoutId: string) => void;
}

const failureMessages: Record<Exclude<PurchaseOutcome["status"], "succeeded">, string> = {
  failed: "The payment did not go through — your card was not charged.",
  expired: "The checkout expired before it was paid.",
};

/**
 * The purchase flow in a modal dialog: loading → ready (pay on the provider's checkout, in a new tab)
 * → processing → success or failure with a retry. Success is the provider's webhook arriving over the
 * live stream, not the buyer's word, so it never shows before the credits or access are there.
 *
 * @example
 * <PurchaseModal product="images_100" open={open} onClose={() => setOpen(false)} />
 */
export function PurchaseModal(props: PurchaseModalProps) {
  const { client, customerId } = useBillhook("<PurchaseModal>");
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [state, setState] = useState<PurchaseState>({ step: "loading" });
  const [product, setProduct] = useState<Product | null>(null);
  const attempt = useRef(0);

  const start = useCallback(async () => {
    if (!client) return;
    const mine = ++attempt.current;
    setState({ step: "loading" });
    try {
      const [products, checkout] = await Promise.all([
        client.products.list(customerId),
        client.checkouts.create({
          customerId,
          product: props.product,
          successUrl: props.successUrl ?? window.location.href,
        }),
      ]);
      if (mine !== attempt.current) return;
      setProduct(products.items.find((item) => item.key === props.product) ?? null);
      setState({ step: "ready", checkout });
    } catch (error) {
      if (mine !== attempt.current) return;
      setState({ step: "failure", message: describeError(error) });
    }
  }, [client, customerId, props.product, props.successUrl]);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) {
      element.showModal();
      void start();
    }
    if (!props.open && element.open) {
      attempt.current++;
      element.close();
    }
  }, [props.open, start]);

  const settle = useCallback(
    (outcome: Pick<PurchaseOutcome, "checkoutId" | "status">) => {
      setState((current) => {
        if (current.step !== "ready" && current.step !== "processing") return current;
        if (current.checkout.id !== outcome.checkoutId) return current;
        if (outcome.status === "succeeded") {
          props.onSuccess?.(outcome.checkoutId);
          return { step: "success", checkout: current.checkout };
        }
        return { step: "failure", message: failureMessages[outcome.status] };
      });
    },
    [props.onSuccess],
  );

  useBillhookEvents((event) => {
    if (event.event === "purchase") settle(event.data as PurchaseOutcome);
    // After a reconnect the outcome may have happened while we were away: ask once.
    if (event.event === "snapshot" && (state.step === "processing" || state.step === "ready") && client) {
      const checkoutId = state.checkout.id;
      client.checkouts
        .list(customerId)
        .then((list) => {
          const found = list.items.find((item) => item.id === checkoutId);
          if (
            found &&
            (found.status === "succeeded" || found.status === "failed" || found.status === "expired")
          ) {
            settle({ checkoutId, status: found.status });
          }
        })
        .catch(() => undefined);
    }
  });

  // The control that had focus (the checkout link) is gone once the outcome is in: move focus to the
  // outcome's main action so keyboard users land on it.
  useEffect(() => {
    if (state.step !== "success" && state.step !== "failure") return;
    dialog.current?.querySelector<HTMLElement>(".bh-dialog-actions > :last-child")?.focus();
  }, [state.step]);

  const credits = product?.credits;
  return (
    <dialog
      ref={dialog}
      className="bh-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <div className="bh-dialog-body" data-purchase-step={state.step}>
        <h2 id={titleId}>{product ? `Buy ${product.name}` : "Purchase"}</h2>
        {product ? (
          <p className="bh-muted" style={{ margin: 0 }}>
            {formatPrice(product.price)}
            {credits?.amount ? ` · ${plural(credits.amount, credits.type.replace(/s$/, ""))}` : ""}
          </p>
        ) : null}
        <div className={`bh-state ${stateClass(state)}`} role="status" aria-live="polite">
          <StateMessage
            state={state}
            granted={credits?.amount ? plural(credits.amount, credits.type.replace(/s$/, "")) : null}
          />
        </div>
        <div className="bh-dialog-actions">
          <Actions
            state={state}
            onClose={props.onClose}
            onRetry={start}
            onPay={(checkout) => setState({ step: "processing", checkout })}
          />
        </div>
      </div>
    </dialog>
  );
}

function StateMessage({ state, granted }: { state: PurchaseState; granted: string | null }) {
  switch (state.step) {
    case "loading":
      return (
        <>
          <span className="bh-spinner" aria-hidden="true" />
          Preparing a secure checkout…
        </>
      );
    case "ready":
      return <>You pay on the provider's secure checkout page, which opens in a new tab.</>;
    case "processing":
      return (
        <>
          <span className="bh-spinner" aria-hidden="true" />
          Waiting for your payment — finish it in the checkout tab. This updates by itself.
        </>
      );
    case "success":
      return (
        <>
          <strong>Payment received.</strong>{" "}
          {granted ? `${granted} were added to your balance.` : "Your purchase is ready to use."}
        </>
      );
    case "failure":
      return (
        <>
          <strong>Payment failed.</strong> {state.message}
        </>
      );
  }
}

function Actions(props: {
  state: PurchaseState;
  onClose: () => void;
  onRetry: () => void;
  onPay: (checkout: Checkout) => void;
}) {
  const { state } = props;
  const cancel = (
    <button type="button" className="bh-button bh-secondary" onClick={props.onClose}>
      {state.step === "success" ? "Done" : state.step === "failure" ? "Close" : "Cancel"}
    </button>
  );
  if (state.step === "ready" || state.step === "processing") {
    return (
      <>
        {cancel}
        <a
          className="bh-button"
          href={state.checkout.url}
          target="_blank"
          rel="noopener"
          onClick={() => props.onPay(state.checkout)}
        >
          {state.step === "ready" ? "Pay on secure checkout" : "Reopen checkout"}
          <span className="bh-visually-hidden"> (opens in a new tab)</span>
        </a>
      </>
    );
  }
  if (state.step === "failure") {
    return (
      <>
        {cancel}
        <button type="button" className="bh-button" onClick={props.onRetry}>
          Try again
        </button>
      </>
    );
  }
  if (state.step === "success") {
    return (
      <button type="button" className="bh-button" onClick={props.onClose}>
        Done
      </button>
    );
  }
  return cancel;
}

function stateClass(state: PurchaseState): string {
  if (state.step === "success") return "bh-success";
  if (state.step === "failure") return "bh-failure";
  return "";
}

function describeError(error: unknown): string {
  const problem = error as { code?: string; message?: string };
  if (problem.code === "ALREADY_ENTITLED") return "You already own this.";
  if (problem.code === "CATALOG_NOT_PUSHED") return "This product is not on sale yet.";
  return "We could not start the checkout. Please try again.";
}
