/** A fresh org on a fixture's server for each budget test: its key and a GraphQL client signed in with it. */
import { createOrg } from "../../src/db/orgs.ts";
import type { Fixture } from "../helpers/fixture.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";

export function orgMaker(f: () => Fixture, prefix: string): () => Promise<{ orgId: string; key: string; gql: Gql }> {
  let count = 0;
  return async () => {
    const { org, key } = await createOrg(f().lectr.lectr.database.db, `${prefix}-${count++}`);
    return { orgId: org.id, key, gql: gqlClient(f().lectr, orgKey(key)) };
  };
}
