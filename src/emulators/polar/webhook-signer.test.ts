import { describe, expect, it } from "vitest";
import { signWebhook } from "./webhook-signer.js";

const vectorMessage = {
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestampSeconds: 1614265330,
  payload: '{"test": 2432232314}',
};

describe("webhook signer", () => {
  it("reproduces the official Standard Webhooks test vector with the base64 key rule", async () => {
    const signature = await signWebhook({
      ...vectorMessage,
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      keyRule: "standard-base64",
    });
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("reproduces the Polar-style vectors: the key is the UTF-8 bytes of the whole secret", async () => {
    const secret = "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK";
    expect(await signWebhook({ ...vectorMessage, secret })).toBe(
      "v1,fFdVxuiQbld74n20ii4RUmPn/8Mt/xTxSr6E3xsTc3Y=",
    );
    expect(await signWebhook({ ...vectorMessage, secret, keyRule: "standard-base64" })).toBe(
      "v1,1ajRwPHazCim0puAcFFKTnpL9YzjIW3okryQs0KUtTY=",
    );
    expect(
      await signWebhook({
        ...vectorMessage,
        secret: "polar_whs_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK",
      }),
    ).toBe("v1,ONy+WvOUVFIMxXanvqRZ+tuaeKQgEg73jXXuNs3phOw=");
  });

  it("changes the signature when the payload is tampered with", async () => {
    const secret = "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK";
    const tampered = await signWebhook({ ...vectorMessage, payload: '{"test": 2432232315}', secret });
    expect(tampered).not.toBe("v1,fFdVxuiQbld74n20ii4RUmPn/8Mt/xTxSr6E3xsTc3Y=");
  });
});
