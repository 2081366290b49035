import { lookup } from "node:dns/promises";
import { privateAddressKind } from "../../core/references/private-address.js";
import { redactUrl } from "../transport/errors.js";

/** Resolves a host to every address it has (the resolver the build uses; tests pass their own). */
export type Resolve = (host: string) => Promise<string[]>;

export const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Refuses a reference URL whose host resolves to any loopback, private, link-local or
 * unique-local address, before a single request goes to it. Every address is checked: a
 * host with one public and one private address is refused.
 */
export async function refusePrivateHost(url: string, resolve: Resolve = resolveAll): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    throw new Error(
      `reference ${redactUrl(url)} is not reachable (${host} does not resolve: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  for (const address of addresses) {
    const kind = privateAddressKind(address);
    if (kind)
      throw new Error(
        `reference ${redactUrl(url)} resolves to ${address}, a ${kind} address; private hosts are refused unless the config sets references: { allowPrivateHosts: true }`,
      );
  }
}
