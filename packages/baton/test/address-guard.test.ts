/**
 * The address guard of the `http` node's requests, on its own: which
 * addresses are refused, how the allowlist lets them through. Pure checks,
 * no connection.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkAddress, isRefusedAddress, refusedAddressKind } from "../src/declarative/address-guard.js";
import { embeddedIpv4 } from "../src/declarative/embedded-ipv4.js";
import { BatonError } from "../src/errors.js";

test("isRefusedAddress refuses private, local and special addresses and lets public ones through", () => {
  const refused = [
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "169.254.1.1",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "::1",
    "::",
    "[::1]",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd00:ec2::254",
    "fec0::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:a00:1",
    "::ffff:127.0.0.1",
    "::127.0.0.1",
    "64:ff9b::10.0.0.1",
    "2002:a00:1::1",
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",
    "2001:db8::1",
    "not an address",
    "",
  ];
  for (const address of refused) assert.equal(isRefusedAddress(address), true, address);
  const allowed = [
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "192.169.0.1",
    "2606:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
  ];
  for (const address of allowed) assert.equal(isRefusedAddress(address), false, address);
  assert.equal(refusedAddressKind("172.20.1.1"), "a private address");
  assert.equal(refusedAddressKind("2002:a9fe:a9fe::"), "a cloud metadata address (6to4 form of 169.254.169.254)");
  assert.deepEqual(embeddedIpv4("2001:0:4136:e378:8000:63bf:f5ff:fffe"), { address: "10.0.0.1", carrier: "Teredo" });
});

test("checkAddress throws HTTP_ADDRESS_REFUSED naming the host and address unless the allowlist has either", () => {
  assert.throws(
    () => checkAddress("metadata.internal", "169.254.169.254"),
    (error) =>
      error instanceof BatonError &&
      error.code === "HTTP_ADDRESS_REFUSED" &&
      error.message ===
        'request to "metadata.internal" refused: it resolves to 169.254.169.254, a cloud metadata address; allow it with `http.allowedHosts`',
  );
  checkAddress("example.com", "93.184.216.34");
  checkAddress("metadata.internal", "169.254.169.254", { allowedHosts: ["metadata.internal."] });
  checkAddress("db.internal", "10.1.2.3", { allowedHosts: ["10.1.2.0/24"] });
  checkAddress("db.internal", "::ffff:10.1.2.3", { allowedHosts: ["10.1.2.0/24"] });
  checkAddress("[::1]", "::1", { allowedHosts: ["::1/128"] });
  checkAddress("localhost", "::1", { allowedHosts: ["[::1]"] });
  assert.throws(() => checkAddress("db.internal", "10.1.3.1", { allowedHosts: ["10.1.2.0/24"] }), {
    code: "HTTP_ADDRESS_REFUSED",
  });
  for (const entry of ["10.0.0.0/33", "10.0.0/8", "::1/129", "http://x", "a b", "*"]) {
    assert.throws(() => checkAddress("h", "10.0.0.1", { allowedHosts: [entry] }), { code: "INVALID_OPTIONS" }, entry);
  }
});
