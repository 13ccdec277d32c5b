/** An org's settings as the Settings type shows them. */
import type { GraphqlContext } from "./context.ts";

export async function settingsOf(ctx: GraphqlContext, orgId: string) {
  const org = await ctx.loaders.org.load(orgId);
  const azure = org?.azure_endpoint && org.azure_api_version ? { endpoint: org.azure_endpoint, apiVersion: org.azure_api_version } : null;
  return { azure };
}
