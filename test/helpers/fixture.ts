/** Starts Lectr wired to one mock upstream per provider, with Azure configured for the test org. */
import { setAzureSettings } from "../../src/db/orgs.ts";
import { providerIds, type ProviderId } from "../../src/providers/types.ts";
import { providers } from "../../src/providers/index.ts";
import { startLectr, type TestLectr } from "./lectr.ts";
import { startMockUpstream, type MockUpstream } from "./mock-upstream.ts";
import { dialects } from "./mock/dialects/index.ts";

/** The key each provider's mock accepts (its dialect's own). */
export const providerKeys = Object.fromEntries(providerIds.map((p) => [p, dialects[p].defaultApiKey])) as Record<ProviderId, string>;

export interface Fixture {
  lectr: TestLectr;
  mocks: Record<ProviderId, MockUpstream>;
  /** POST a JSON body to a /v1 path with the org key and a provider key. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startFixture(opts: { env?: Record<string, string>; now?: () => number } = {}): Promise<Fixture> {
  const entries = await Promise.all(providerIds.map(async (p) => [p, await startMockUpstream(p)] as const));
  const mocks = Object.fromEntries(entries) as Record<ProviderId, MockUpstream>;
  const lectr = await startLectr({
    env: { LECTR_ALLOW_PRIVATE_UPSTREAMS: "true", ...opts.env },
    // every provider whose upstream comes from configuration points at its mock
    baseUrls: Object.fromEntries(providerIds.filter((p) => providers[p].upstream.from === "config").map((p) => [p, mocks[p].baseUrl])),
    now: opts.now,
  });
  await setAzureSettings(lectr.lectr.database.db, lectr.orgId, { endpoint: mocks.azure.baseUrl, apiVersion: "2024-10-21" });
  return {
    lectr,
    mocks,
    post: (path, body, headers = {}) =>
      lectr.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", "x-lectr-key": lectr.key, authorization: "Bearer sk-test-openai", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async stop() {
      await lectr.stop();
      await Promise.all(Object.values(mocks).map((m) => m.stop()));
    },
  };
}
