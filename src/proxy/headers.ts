/**
 * Header hygiene in both directions, as pure functions over Headers.
 * Hop-by-hop rules follow RFC 9110 §7.6.1; Lectr's own headers and anything
 * that identifies the client's session or network never reach the provider.
 */
import type { CredentialForm, Provider } from "../providers/provider.ts";
import { bearerToken } from "../http/bearer.ts";

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Never forwarded upstream, besides hop-by-hop and `x-lectr-*`. */
const requestDrop = new Set([
  "host",
  // recomputed for the body actually sent
  "content-length",
  // the runtime negotiates compression and hands Lectr a decoded body
  "accept-encoding",
  "cookie",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

/** Never returned to the client: the body is re-framed and decoded, and cookies are the provider's. */
const responseDrop = new Set(["content-length", "content-encoding", "set-cookie", "alt-svc"]);

const noneListed: ReadonlySet<string> = new Set();

function connectionListed(headers: Headers): ReadonlySet<string> {
  const connection = headers.get("connection");
  // most requests name nothing but keep-alive, which is hop-by-hop anyway
  if (connection === null || connection === "keep-alive") return noneListed;
  const listed = new Set<string>();
  for (const token of connection.split(",")) {
    const t = token.trim().toLowerCase();
    if (t) listed.add(t);
  }
  return listed;
}

/**
 * Every form a provider key takes in a request header: bearer (OpenAI,
 * Groq, Gemini's compatibility layer), `api-key` (Azure), `x-api-key`
 * (Anthropic), `x-goog-api-key` (Gemini). A request carries only the forms
 * its target provider takes; one moved to another provider carries none of
 * the source provider's.
 */
const credentialHeaders = ["authorization", "api-key", "x-api-key", "x-goog-api-key"];
const headerOf: Record<CredentialForm, string | undefined> = {
  bearer: "authorization",
  "api-key": "api-key",
  "x-api-key": "x-api-key",
  "x-goog-api-key": "x-goog-api-key",
  "key-param": undefined,
};

/** The query as sent to `provider`: a `?key=` only where the provider takes its key there (Google). */
export function providerQuery(search: string, provider: Provider): string {
  return provider.credentials.includes("key-param") ? search : dropCredentialParams(search);
}
/** Google APIs also take the key as `?key=` (https://cloud.google.com/docs/authentication/api-keys-use). */
const credentialParams = new Set(["key"]);

/** The query string without any credential parameter; every other byte as the client sent it. */
export function dropCredentialParams(search: string): string {
  if (search.length < 2) return search;
  const kept = search
    .slice(1)
    .split("&")
    .filter((pair) => {
      const name = pair.split("=", 1)[0]!;
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // a malformed escape is kept as written; it cannot name `key`
      }
      return !credentialParams.has(decoded.toLowerCase());
    });
  return kept.length === 0 ? "" : `?${kept.join("&")}`;
}

/** Per provider, the credential headers it does not take (providers are fixed objects, so worked out once). */
const notTaken = new WeakMap<Provider, string[]>();

/** Only the credential headers `provider` takes: a key in another provider's form is not its key. */
function pinCredentials(out: Headers, provider: Provider): void {
  let drop = notTaken.get(provider);
  if (drop === undefined) {
    const taken = new Set(provider.credentials.map((form) => headerOf[form]));
    drop = credentialHeaders.filter((name) => !taken.has(name));
    notTaken.set(provider, drop);
  }
  for (const name of drop) if (out.has(name)) out.delete(name);
}

/**
 * `providerKey` replaces the client's own key: a routing rule moved the
 * request to another provider, whose key came in X-Lectr-Provider-Key-<provider>.
 * Every credential header of the source provider is dropped first.
 */
export function upstreamHeaders(client: Headers, provider: Provider, providerKey?: string): Headers {
  const out = new Headers();
  const listed = connectionListed(client);
  for (const [name, value] of client) {
    // Headers iterates lower-cased names
    if (hopByHop.has(name) || requestDrop.has(name) || listed.has(name) || name.startsWith("x-lectr-")) continue;
    out.set(name, value);
  }
  if (providerKey !== undefined) {
    for (const name of credentialHeaders) out.delete(name);
    out.set("authorization", `Bearer ${providerKey}`);
  } else {
    pinCredentials(out, provider);
  }
  if (provider.auth === "api-key") {
    // Azure's dated API wants the key in `api-key`; the OpenAI SDK sends it as a bearer token.
    const auth = out.get("authorization");
    const bearer = bearerToken(auth);
    if (bearer && !out.has("api-key")) out.set("api-key", bearer);
    out.delete("authorization");
  }
  return out;
}

export function clientHeaders(upstream: Headers, extra: Record<string, string>): Headers {
  const out = new Headers();
  const listed = connectionListed(upstream);
  for (const [name, value] of upstream) {
    if (hopByHop.has(name) || responseDrop.has(name) || listed.has(name)) continue;
    out.append(name, value);
  }
  for (const name in extra) out.set(name, extra[name]!);
  return out;
}
