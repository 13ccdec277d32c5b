/**
 * Local mock upstreams that speak each provider's real dialect, so tests never reach a provider.
 * Wire facts follow /work/shared/reference/providers.md; each dialect file cites its section.
 */
export type { Behavior, MockUpstream, MockUsage, RecordedRequest, SentResponse } from "./mock/types.ts";
export { startMockUpstream } from "./mock/server.ts";
export { defaultMockUsage } from "./mock/usage.ts";
