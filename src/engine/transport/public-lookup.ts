import { lookup, type LookupAddress, type LookupOptions } from "node:dns";
import { privateAddressKind } from "../../core/references/private-address.js";

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup` for sockets that may only reach public hosts: the name is resolved at connect
 * time and refused when any of its addresses is loopback, private, link-local or unique-local.
 * Checking here, on the addresses the socket will use, leaves no gap between a check and the
 * connection for a name that answers differently the second time (DNS rebinding). A host
 * written as an address is never looked up: callers check those first (refusePrivateHost).
 */
export function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const a of addresses) {
      const kind = privateAddressKind(a.address);
      if (kind) {
        const refused: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${a.address}, a ${kind} address (private hosts are refused)`,
        );
        refused.code = "EPRIVATEHOST";
        return callback(refused, []);
      }
    }
    if (options.all) return callback(null, addresses);
    if (!addresses[0]) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
