import { describe, expect, it } from "vitest";
import { refusePrivateHost } from "../../../src/engine/references/host-check.js";

describe("refusePrivateHost", () => {
  it("checks every address a host resolves to: one private address among public ones is enough to refuse", async () => {
    const resolve = async () => ["93.184.216.34", "2606:2800:220:1::", "10.0.0.7"];
    await expect(refusePrivateHost("https://mixed.example/a.png", resolve)).rejects.toThrow(/resolves to 10\.0\.0\.7, a private address/);
  });

  it("a host with public addresses only passes; the resolver is asked for the bare host", async () => {
    const asked: string[] = [];
    const resolve = async (h: string) => (asked.push(h), ["93.184.216.34"]);
    await refusePrivateHost("https://cdn.example:8443/a.png?sig=1", resolve);
    expect(asked).toEqual(["cdn.example"]);
  });

  it("a host that does not resolve says so", async () => {
    const resolve = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(refusePrivateHost("https://nowhere.invalid/a.png", resolve)).rejects.toThrow(
      /nowhere\.invalid does not resolve: ENOTFOUND/,
    );
  });
});
