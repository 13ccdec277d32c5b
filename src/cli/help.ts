import { settings } from "../config.ts";

export function helpText(version: string): string {
  const opts = Object.values(settings)
    .map((s) => `  --${s.flag.padEnd(24)} ${s.env.padEnd(30)} ${s.help} (default: ${s.default || "unset"})`)
    .join("\n");
  return `lectr ${version}: one URL for every LLM provider, every request recorded.

Usage:
  lectr [serve]                               start the proxy (creates org "default" on an empty database)
  lectr orgs create NAME                      create an org and print its first key (shown once)
  lectr orgs set-azure NAME --endpoint URL --api-version V
                                              route X-Lectr-Provider: azure for that org
  lectr keys create --org NAME [--scope S] [--name N]  another key for an org, optionally named; S: proxy (apps), read (dashboards), admin (default)
  lectr keys list --org NAME                  list an org's keys (prefix, scope, created, last used)
  lectr keys revoke KEY_PREFIX                revoke a key
  lectr keys rename KEY_PREFIX NAME           name a key (a team, an app): listings, Explore and budgets show it
  lectr prices [--model M]                    print the price registry (LECTR_PRICES_FILE laid over it)
  lectr reconcile --org NAME --from D --to D [--provider P]
                                              compare recorded spend with the provider's usage and cost reports (D: a UTC day, --to included)
  lectr reconcile set-key --org NAME --provider P
                                              store the admin key from LECTR_<P>_ADMIN_KEY(_FILE), encrypted with LECTR_SECRETS_KEY
  lectr reconcile sources --org NAME --provider P [KIND:ID …]
                                              the provider API keys (api_key:ID), projects or workspaces that are the org's
  lectr reconcile alerts --org NAME [--unseen-usd N] [--drift-usd N]
                                              alert the org's webhooks when a settled day passes these
  lectr --help | --version

Options (flag / environment variable):
${opts}
`;
}
