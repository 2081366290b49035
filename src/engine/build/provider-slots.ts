import type { ConcurrencyGate } from "../transport/rate-limit.js";

/** What runAsset holds while an asset is at the provider (submit and polls). */
export type ProviderGate = Pick<ConcurrencyGate, "acquire">;

/**
 * Several caps on the work at a provider taken together (the build's `concurrency` and the
 * provider's own `providers.<name>.concurrency`): a place in each, in order; released together.
 */
export function allOf(gates: Array<ProviderGate | undefined>): ProviderGate {
  const held = gates.filter((g): g is ProviderGate => g !== undefined);
  return {
    async acquire(signal?: AbortSignal) {
      const releases: Array<() => void> = [];
      try {
        for (const g of held) releases.push(await g.acquire(signal));
      } catch (err) {
        for (const r of releases) r();
        throw err;
      }
      return () => {
        for (const r of releases) r();
      };
    },
  };
}
