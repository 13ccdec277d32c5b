/**
 * Azure endpoints are org-supplied URLs Lectr connects to, so they are
 * checked like any user-given upstream: https only, and never an address
 * inside the network Lectr runs in, unless LECTR_ALLOW_PRIVATE_UPSTREAMS.
 */
import { lookup } from "node:dns/promises";
import { isIpLiteral, isPrivateAddress } from "./address.ts";
import { fail, ok, type Result } from "../lib/result.ts";

export type EndpointError = { kind: "azure_endpoint_refused"; reason: string };

/** The checks that need no network: scheme, shape and literal addresses. */
export function checkEndpointShape(raw: string, allowPrivate: boolean): Result<string, EndpointError> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail({ kind: "azure_endpoint_refused", reason: "not a URL" });
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    return fail({ kind: "azure_endpoint_refused", reason: "the endpoint must use https" });
  }
  if (url.username || url.password) return fail({ kind: "azure_endpoint_refused", reason: "credentials in the URL are not allowed" });
  if (url.search || url.hash) return fail({ kind: "azure_endpoint_refused", reason: "the endpoint must not have a query or fragment" });
  const host = url.hostname;
  if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost") || (isIpLiteral(host) && isPrivateAddress(host)))) {
    return fail({ kind: "azure_endpoint_refused", reason: "the endpoint is a private or loopback address" });
  }
  // Used as given, path prefix included; only a trailing slash is dropped.
  return ok(`${url.origin}${url.pathname.replace(/\/+$/, "")}`);
}

/** Full check at configuration time: also resolves the name. */
export async function checkEndpoint(raw: string, allowPrivate: boolean): Promise<Result<string, EndpointError>> {
  const shape = checkEndpointShape(raw, allowPrivate);
  if (!shape.ok || allowPrivate) return shape;
  const host = new URL(shape.value).hostname;
  if (isIpLiteral(host)) return shape;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return fail({ kind: "azure_endpoint_refused", reason: `${host} does not resolve` });
  }
  if (addresses.some((a) => isPrivateAddress(a.address))) {
    return fail({ kind: "azure_endpoint_refused", reason: `${host} resolves to a private or loopback address` });
  }
  return shape;
}

export function isApiVersion(v: string): boolean {
  return /^(\d{4}-\d{2}-\d{2}(-preview)?|v1|latest|preview)$/.test(v);
}
