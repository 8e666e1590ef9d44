import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BillhookProvider, SellerPayouts } from "../../../src/react/index.js";

/**
 * The page of `seller-payouts.test.ts`: an app's seller page. Its "server" is the test process, which
 * mints the seller's customer token with its secret key (exposed to the page as `mintSellerToken`);
 * the browser only ever holds the short-lived `bh_ct_…` token.
 */
declare global {
  interface Window {
    sellerPage: { baseUrl: string; customerId: string };
    mintSellerToken(): Promise<{ token: string; expiresAt: string }>;
  }
}

const { baseUrl, customerId } = window.sellerPage;
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <main>
      <h1>Creator studio</h1>
      <BillhookProvider baseUrl={baseUrl} customerId={customerId} getToken={() => window.mintSellerToken()}>
        <SellerPayouts title="Your earnings" />
      </BillhookProvider>
    </main>
  </StrictMode>,
);
