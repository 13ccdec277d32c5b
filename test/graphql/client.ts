/** A tiny GraphQL client for the tests: POST /graphql, returns status, data, errors and their codes. */
export interface GqlResult<T = any> {
  status: number;
  data: T;
  errors: { message: string; path?: string[]; extensions?: { code?: string } }[] | undefined;
  /** `extensions.code` of each error, in order. */
  codes: (string | undefined)[];
}

export type Gql = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<GqlResult<T>>;

export function gqlClient(url: string, headers: Record<string, string> = {}): Gql {
  return async (query, variables) => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: GqlResult["errors"] };
    return { status: res.status, data: body.data, errors: body.errors, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
  };
}

export const orgKey = (key: string) => ({ "x-lectr-key": key });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
