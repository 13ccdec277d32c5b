/**
 * What mutations answer with that no query returns: a created key (orgs.ts)
 * and a re-costing's outcome (prices.ts). Their domains declare the refs;
 * they are implemented here, after every other type, which is where the
 * printed schema has always listed them.
 */
import { ApiKey, CreatedKey, Org } from "./orgs.ts";
import { RecostResult } from "./prices.ts";

CreatedKey.implement({
  description: "A new org key: the only place a key is ever returned. Store it now.",
  fields: (t) => ({
    org: t.expose("org", { type: Org }),
    key: t.exposeString("key"),
    apiKey: t.expose("keyRow", { type: ApiKey, description: "The new key's record (its id revokes it)." }),
  }),
});

RecostResult.implement({
  description: "What re-costing changed. Running it again with the same prices changes nothing.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    eventsChecked: t.exposeInt("eventsChecked"),
    eventsChanged: t.exposeInt("eventsChanged", { description: "Events whose cost, price_known or cost_source changed." }),
    deltaUsd: t.exposeFloat("deltaUsd", { description: "New total minus old total over the changed events (an unknown cost counts as 0)." }),
  }),
});
