import { describe, expect, it } from "vitest";
import { privateAddressKind } from "../../../src/core/references/private-address.js";

describe("privateAddressKind", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.1.2", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456:789a::1", "unique-local"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.5", "private"],
    ["::ffff:169.254.169.254", "link-local"],
    ["[::1]", "loopback"],
    ["fe80::1%eth0", "link-local"],
    ["not-an-address", "unspecified"],
    ["1:2:3:4:5:6:7:8:9", "unspecified"],
  ])("%s is %s", (ip, kind) => {
    expect(privateAddressKind(ip)).toBe(kind);
  });

  it.each([
    "8.8.8.8",
    "172.15.0.1",
    "172.32.0.1",
    "192.169.0.1",
    "169.253.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "fec0::1",
    "2001:db8::1",
  ])("%s is public", (ip) => {
    expect(privateAddressKind(ip)).toBeUndefined();
  });
});
