/**
 * Bounds on what one GraphQL operation may ask for, checked before it runs:
 * nesting depth, and a cost where each field counts 1 and each aggregate
 * (a root field that reads rollups or events) counts 10, aliases included,
 * so a request cannot multiply the work by repeating a field under many names.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql";

export const maxDepth = 10;
export const maxCost = 300;
const rootFieldCost = 10;

function measure(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, depth: number, seen: Set<string>): { depth: number; cost: number } {
  let deepest = depth;
  let cost = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      cost += depth === 1 && !s.name.value.startsWith("__") ? rootFieldCost : 1;
      if (s.selectionSet) {
        const inner = measure(s.selectionSet, fragments, depth + 1, seen);
        deepest = Math.max(deepest, inner.depth);
        cost += inner.cost;
      }
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      const inner = measure(s.selectionSet, fragments, depth, seen);
      deepest = Math.max(deepest, inner.depth);
      cost += inner.cost;
    } else {
      const name = s.name.value;
      const fragment = fragments.get(name);
      // a fragment cycle is reported by graphql's own rules; do not loop on it
      if (!fragment || seen.has(name)) continue;
      const inner = measure(fragment.selectionSet, fragments, depth, new Set(seen).add(name));
      deepest = Math.max(deepest, inner.depth);
      cost += inner.cost;
    }
  }
  return { depth: deepest, cost };
}

export function operationLimits(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return {
    OperationDefinition(op) {
      const { depth, cost } = measure(op.selectionSet, fragments, 1, new Set());
      if (depth > maxDepth) {
        context.reportError(new GraphQLError(`The operation is nested ${depth} levels deep; the limit is ${maxDepth}.`, { nodes: [op], extensions: { code: "QUERY_TOO_COMPLEX" } }));
      } else if (cost > maxCost) {
        context.reportError(
          new GraphQLError(`The operation costs ${cost} (each field 1, each top-level field ${rootFieldCost}); the limit is ${maxCost}. Split it into several requests.`, {
            nodes: [op],
            extensions: { code: "QUERY_TOO_COMPLEX" },
          }),
        );
      }
    },
  };
}
