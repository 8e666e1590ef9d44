import { createElement } from "react";

/**
 * The widgets' styles. Every colour and size is a CSS variable on `.bh-root`, so an app themes the
 * widgets by overriding variables (`.bh-root { --bh-accent: #7c3aed }`) rather than selectors. The
 * status colours meet WCAG AA against white for text and against the track for the bar.
 */
export const billhookStyles = `
.bh-root {
  --bh-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --bh-text: #111827;
  --bh-muted: #4b5563;
  --bh-surface: #ffffff;
  --bh-border: #d1d5db;
  --bh-track: #e5e7eb;
  --bh-accent: #4338ca;
  --bh-accent-text: #ffffff;
  --bh-radius: 10px;
  --bh-ok: #15803d;
  --bh-warning: #a16207;
  --bh-critical: #c2410c;
  --bh-exceeded: #b91c1c;
  --bh-focus: #2563eb;
  font-family: var(--bh-font);
  color: var(--bh-text);
}
.bh-card { background: var(--bh-surface); border: 1px solid var(--bh-border); border-radius: var(--bh-radius); padding: 16px 20px; }
.bh-card h2, .bh-card h3 { margin: 0 0 8px; font-size: 1rem; }
.bh-muted { color: var(--bh-muted); font-size: 0.875rem; }
.bh-button {
  display: inline-flex; align-items: center; justify-content: center; gap: 6px;
  font: inherit; font-weight: 600; font-size: 0.9375rem; line-height: 1.2;
  padding: 9px 16px; border-radius: 8px; cursor: pointer; text-decoration: none;
  border: 1px solid var(--bh-accent); background: var(--bh-accent); color: var(--bh-accent-text);
}
.bh-button[disabled] { opacity: 0.6; cursor: progress; }
.bh-button.bh-secondary { background: transparent; color: var(--bh-accent); }
.bh-button:focus-visible, .bh-root a:focus-visible { outline: 3px solid var(--bh-focus); outline-offset: 2px; }
.bh-balance { font-size: 1.75rem; font-weight: 700; margin: 0; }
.bh-balance small { font-size: 0.9375rem; font-weight: 500; color: var(--bh-muted); margin-left: 6px; }
.bh-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bh-packs { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 0; padding: 0; list-style: none; }
.bh-empty { margin: 12px 0 0; padding: 12px 14px; border-radius: 8px; background: #fef2f2; border: 1px solid #fecaca; color: #7f1d1d; }
.bh-empty strong { display: block; margin-bottom: 2px; }
.bh-meter + .bh-meter { margin-top: 14px; }
.bh-meter-head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; margin-bottom: 6px; }
.bh-meter-name { font-weight: 600; }
.bh-track { height: 10px; background: var(--bh-track); border-radius: 999px; overflow: hidden; }
.bh-fill { height: 100%; border-radius: 999px; transition: width 300ms ease, background-color 300ms ease; }
.bh-status { font-size: 0.8125rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; }
.bh-ok .bh-fill { background: var(--bh-ok); }       .bh-ok .bh-status { color: var(--bh-ok); }
.bh-warning .bh-fill { background: var(--bh-warning); } .bh-warning .bh-status { color: var(--bh-warning); }
.bh-critical .bh-fill { background: var(--bh-critical); } .bh-critical .bh-status { color: var(--bh-critical); }
.bh-exceeded .bh-fill { background: var(--bh-exceeded); } .bh-exceeded .bh-status { color: var(--bh-exceeded); }
.bh-dialog { border: none; border-radius: 14px; padding: 0; width: min(440px, calc(100vw - 32px)); color: var(--bh-text); box-shadow: 0 24px 64px rgba(0,0,0,.25); }
.bh-dialog::backdrop { background: rgba(17, 24, 39, 0.55); }
.bh-dialog-body { padding: 22px 24px; }
.bh-dialog-body h2 { margin: 0 0 4px; font-size: 1.25rem; }
.bh-dialog-actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 18px; flex-wrap: wrap; }
.bh-state { margin: 14px 0 0; padding: 12px 14px; border-radius: 8px; background: #f3f4f6; }
.bh-state.bh-success { background: #f0fdf4; color: #14532d; }
.bh-state.bh-failure { background: #fef2f2; color: #7f1d1d; }
.bh-spinner { display: inline-block; width: 14px; height: 14px; border-radius: 50%; border: 2px solid currentColor; border-right-color: transparent; animation: bh-spin 0.8s linear infinite; vertical-align: -2px; margin-right: 8px; }
.bh-seller-head { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
.bh-button.bh-small { padding: 5px 12px; font-size: 0.875rem; }
.bh-totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 12px; margin: 12px 0 0; }
.bh-total { border: 1px solid var(--bh-border); border-radius: 8px; padding: 10px 12px; }
.bh-total dt { font-size: 0.8125rem; color: var(--bh-muted); }
.bh-total dd { margin: 2px 0 0; font-size: 1.25rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.bh-empty-note { margin: 12px 0 0; padding: 12px 14px; border-radius: 8px; background: #f3f4f6; }
.bh-empty-note strong { display: block; margin-bottom: 2px; }
.bh-table { width: 100%; border-collapse: collapse; margin-top: 16px; font-size: 0.875rem; }
.bh-table caption { text-align: left; font-weight: 600; font-size: 0.9375rem; margin-bottom: 6px; }
.bh-table th { white-space: nowrap; text-align: left; font-weight: 600; color: var(--bh-muted); border-bottom: 1px solid var(--bh-border); padding: 6px 8px; }
.bh-table td { border-bottom: 1px solid var(--bh-track); padding: 6px 8px; vertical-align: top; }
.bh-table .bh-num { text-align: right; font-variant-numeric: tabular-nums; }
.bh-table td.bh-num .bh-muted { display: block; font-size: 0.75rem; }
.bh-payout-status { font-weight: 600; }
.bh-payout-paid { color: var(--bh-ok); }
.bh-payout-failed, .bh-payout-canceled { color: var(--bh-exceeded); }
@keyframes bh-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .bh-spinner { animation: none; } .bh-fill { transition: none; } }
`;

/** Injects `billhookStyles` (the provider renders it unless told `unstyled`). */
export function BillhookStyles() {
  return createElement("style", { "data-billhook": "" }, billhookStyles);
}
