import { describe, expect, it } from "vitest";
import { checkUrlShape, refusedAddressReason } from "./url-policy.js";

describe("which addresses a webhook may reach", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "linkLocal"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedAddressReason(address)).toBe(range);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])("allows the public address %s", (address) => {
    expect(refusedAddressReason(address)).toBeNull();
  });

  it("refuses URLs by shape before any lookup", () => {
    const vet = refusedAddressReason;
    expect(() => checkUrlShape("ftp://example.com/x", vet)).toThrow(/only http and https/);
    expect(() => checkUrlShape("https://user:pw@example.com/x", vet)).toThrow(/credentials/);
    expect(() => checkUrlShape("http://169.254.169.254/latest/meta-data", vet)).toThrow(/linkLocal/);
    expect(() => checkUrlShape("http://[::1]:8080/", vet)).toThrow(/loopback/);
    // WHATWG URL parsing turns shorthand IPv4 (`2130706433`, `0x7f.1`) into dotted form first.
    expect(() => checkUrlShape("http://2130706433/", vet)).toThrow(/loopback/);
    expect(() => checkUrlShape("http://0x7f.1/", vet)).toThrow(/loopback/);
    expect(checkUrlShape("https://hooks.example.com/billhook", vet).hostname).toBe("hooks.example.com");
    expect(checkUrlShape("http://127.0.0.1:9/x", () => null).port).toBe("9");
  });
});
