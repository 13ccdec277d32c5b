/**
 * Every org's price book (its price overrides and Azure deployment map) held
 * in memory and reloaded in the background every `intervalMs`, so a change
 * made on another replica applies within it, and at once after a change made
 * through this process (`refresh`). The request path only reads the map: it
 * never waits on the database (src/lib/reloader.ts).
 */
import { createPriceBook, type AzureDeployment, type OrgPrice, type PriceBook } from "./price-book.ts";
import type { PriceRegistry } from "./registry.ts";
import { startReloader } from "../lib/reloader.ts";

export interface OrgPricing {
  prices: OrgPrice[];
  deployments: { orgId: string; deployments: AzureDeployment[] }[];
}

export interface PriceBooks {
  registry: PriceRegistry;
  forOrg(orgId: string): PriceBook;
  /** Reload now; resolves when the new books are in place. */
  refresh(): Promise<void>;
  stop(): void;
}

export async function startPriceBooks(
  registry: PriceRegistry,
  load: () => Promise<OrgPricing>,
  intervalMs: number,
  onError: (e: unknown) => void,
): Promise<PriceBooks> {
  const plain = createPriceBook(registry);
  let books = new Map<string, { signature: string; book: PriceBook }>();
  const apply = ({ prices, deployments }: OrgPricing) => {
    const byOrg = new Map<string, { prices: OrgPrice[]; deployments: AzureDeployment[] }>();
    const entry = (orgId: string) => {
      let e = byOrg.get(orgId);
      if (!e) byOrg.set(orgId, (e = { prices: [], deployments: [] }));
      return e;
    };
    for (const p of prices) entry(p.orgId).prices.push(p);
    for (const d of deployments) if (d.deployments.length > 0) entry(d.orgId).deployments.push(...d.deployments);
    const next = new Map<string, { signature: string; book: PriceBook }>();
    for (const [orgId, e] of byOrg) {
      // An unchanged org keeps its book, and with it the lookups it has memoised.
      const signature = JSON.stringify(e);
      const kept = books.get(orgId);
      next.set(orgId, kept?.signature === signature ? kept : { signature, book: createPriceBook(registry, e.prices, e.deployments) });
    }
    books = next;
  };
  const reloader = await startReloader(load, apply, intervalMs, onError);
  return {
    registry,
    forOrg: (orgId) => books.get(orgId)?.book ?? plain,
    refresh: reloader.refresh,
    stop: reloader.stop,
  };
}
