/** `500, "USD"` → `$5.00`, in the browser's locale. */
export function formatMoney(amountMinor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amountMinor / 100);
  } catch {
    return `${(amountMinor / 100).toFixed(2)} ${currency}`;
  }
}

/** A product's price as a person reads it, from the catalog's price object. */
export function formatPrice(price: Record<string, unknown>): string {
  if (typeof price.amountMinor === "number" && typeof price.currency === "string") {
    return formatMoney(price.amountMinor, price.currency);
  }
  if (typeof price.minimumMinor === "number" && typeof price.currency === "string") {
    return `from ${formatMoney(price.minimumMinor, price.currency)}`;
  }
  return "";
}

export function plural(count: number, unit: string): string {
  return `${count.toLocaleString()} ${unit}${count === 1 || unit.endsWith("s") ? "" : "s"}`;
}
