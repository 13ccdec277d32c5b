import { builder } from "../builder.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { EventConnection } from "../types/event-connection.ts";
import { EventFilter } from "../types/event-filter.ts";
import { listEvents } from "../../db/events.ts";

/** The largest page `first` may ask for. */
const maxFirst = 500;

builder.queryField("events", (t) =>
  t.field({
    type: EventConnection,
    description: `Recorded requests, newest first, a page at a time (at most ${maxFirst}).`,
    args: {
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      filter: t.arg({ type: EventFilter }),
      orgId: t.arg.id(),
    },
    // each of the `first` edges costs what it selects (EventConnection.edges does not multiply again)
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? 50) }),
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const first = args.first ?? 50;
      if (first < 0 || first > maxFirst) throw badInput(`first must be between 0 and ${maxFirst}.`);
      const after = args.after == null ? undefined : decodeCursor(args.after);
      if (args.after != null && !after) throw badInput("after is not a cursor from this API.");
      // one row more than asked tells whether there is a next page
      const rows = await listEvents(ctx.deps.db, { orgId, limit: first + 1, after, filter: args.filter ?? undefined });
      const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor({ createdAt: node.created_at, id: node.id }) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: rows.length > first,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);
