/**
 * The dashboard's only way to the server: POST /graphql with the signed-in
 * credentials. Errors keep their extensions.code so views can say why.
 */
import { session } from "./session.ts";

export class GqlError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
    readonly status: number,
  ) {
    super(message);
  }
  get refused(): boolean {
    return this.codes.includes("FORBIDDEN") || this.codes.includes("UNAUTHENTICATED");
  }
}

export function authHeaders(): Record<string, string> {
  const s = session.get();
  if (!s) return {};
  return s.kind === "key" ? { "x-lectr-key": s.key } : { authorization: `Bearer ${s.token}` };
}

/** The org the queries name: only the admin passes orgId. */
export function orgArg(): string | null {
  const s = session.get();
  return s?.kind === "admin" ? (s.orgId ?? null) : null;
}

export async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, headers = authHeaders()): Promise<T> {
  let res: Response;
  try {
    res = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new GqlError("Lectr did not answer. Is it running?", ["NETWORK"], 0);
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await res.json();
  } catch {
    throw new GqlError(`Lectr answered HTTP ${res.status} without a GraphQL body.`, ["HTTP"], res.status);
  }
  if (body.errors?.length) {
    const codes = body.errors.map((e) => e.extensions?.code ?? "ERROR");
    throw new GqlError(body.errors.map((e) => e.message).join(" "), codes, res.status);
  }
  return body.data as T;
}

/** What to tell a person about a failed call. */
export function explain(err: unknown): string {
  if (err instanceof GqlError) {
    if (err.codes.includes("UNAUTHENTICATED")) return `Not signed in: ${err.message}`;
    if (err.codes.includes("FORBIDDEN")) return `Not allowed with these credentials: ${err.message}`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
