import { useEffect, useState } from "react";
import type { ProductList } from "../client/contract.js";
import { useBillhook } from "./billhook-provider.js";
import { formatPrice, plural } from "./format.js";
import { PurchaseModal } from "./purchase-modal.js";

type Product = ProductList["items"][number];

export interface CreditBalanceProps {
  /** The credit type, e.g. `images`. */
  type: string;
  /** What one credit is called; default: the type without its plural `s`. */
  unit?: string;
}

/**
 * The customer's available balance of one credit type, live.
 *
 * @example
 * <CreditBalance type="images" />
 */
export function CreditBalance(props: CreditBalanceProps) {
  const { state } = useBillhook("<CreditBalance>");
  const balance = state?.balances[props.type];
  const unit = props.unit ?? props.type.replace(/s$/, "");
  return (
    <span className="bh-credit-balance" data-balance={balance ?? ""} aria-live="polite">
      {balance === undefined ? "…" : plural(balance, unit)}
    </span>
  );
}

export interface BuyCreditsProps {
  type: string;
  unit?: string;
  title?: string;
  /** Where the provider's checkout returns the buyer; default: this page. */
  successUrl?: string;
}

/**
 * Balance, the packs on sale for this credit type, and a clear call to action at zero. Buying opens
 * the `PurchaseModal`; the balance updates live once the payment's webhook has been applied.
 *
 * @example
 * <BuyCredits type="images" title="Image credits" />
 */
export function BuyCredits(props: BuyCreditsProps) {
  const { client, customerId, state } = useBillhook("<BuyCredits>");
  const [packs, setPacks] = useState<Product[] | null>(null);
  const [buying, setBuying] = useState<string | null>(null);
  useEffect(() => {
    if (!client) return;
    let current = true;
    client.products
      .list(customerId)
      .then((list) => {
        if (current) setPacks(list.items.filter((item) => item.credits?.type === props.type));
      })
      .catch(() => current && setPacks([]));
    return () => {
      current = false;
    };
  }, [client, customerId, props.type]);

  const balance = state?.balances[props.type];
  const unit = props.unit ?? props.type.replace(/s$/, "");
  const headingId = `bh-buy-${props.type}`;
  return (
    <section className="bh-card bh-buy-credits" aria-labelledby={headingId}>
      <h2 id={headingId}>{props.title ?? "Credits"}</h2>
      <p className="bh-balance" aria-live="polite" data-balance={balance ?? ""}>
        {balance === undefined ? "…" : balance.toLocaleString()}
        <small>{balance === undefined ? "" : `${unit}${balance === 1 ? "" : "s"} left`}</small>
      </p>
      {balance === 0 ? (
        <div className="bh-empty" role="status">
          <strong>You're out of {unit}s.</strong>
          Buy a pack below to keep going — it's added the moment your payment clears.
        </div>
      ) : null}
      {packs === null ? <p className="bh-muted">Loading packs…</p> : null}
      {packs?.length === 0 ? <p className="bh-muted">No packs are on sale right now.</p> : null}
      {packs && packs.length > 0 ? (
        <ul className="bh-packs" aria-label={`Buy ${unit}s`}>
          {packs.map((pack) => (
            <li key={pack.key}>
              <button
                type="button"
                className={balance === 0 ? "bh-button" : "bh-button bh-secondary"}
                onClick={() => setBuying(pack.key)}
                aria-haspopup="dialog"
              >
                Buy {pack.credits?.amount ? plural(pack.credits.amount, unit) : pack.name} —{" "}
                {formatPrice(pack.price)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <PurchaseModal
        product={buying ?? packs?.[0]?.key ?? ""}
        open={buying !== null}
        onClose={() => setBuying(null)}
        {...(props.successUrl ? { successUrl: props.successUrl } : {})}
      />
    </section>
  );
}
