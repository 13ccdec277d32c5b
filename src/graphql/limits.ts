/**
 * Bounds on what one GraphQL request may ask for, checked after the caller is
 * known and before anything runs: tokens in a document, nesting depth, and a
 * cost that estimates the values an answer holds. Each field costs what its
 * `complexity` option says (the Pothos complexity plugin keeps it on the
 * field: 1 by default, lists multiply what they select by 10, `events` by
 * `first`, `usageSeries` by its number of buckets), and each top-level
 * field adds the database read it starts. A field that reads events also
 * says how many rows it will scan (scan.ts: the org's volume over the
 * period), and every `rowsPerCost` of them cost one. The limit applies to a
 * whole batch: the costs of its operations add up.
 *
 * The walk is Lectr's own rather than the plugin's because the plugin does
 * not follow `__schema`/`__type`; like the plugin's, it measures each
 * (selection set, type) pair once, so a fragment spread many times, or
 * fragments that each spread the next twice, cost linear time to measure
 * while their cost still counts every expansion.
 */
import {
  getArgumentValues,
  getVariableValues,
  getNamedType,
  getNullableType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  parse,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { rowsPerCost } from "./scan.ts";

export const maxDepth = 10;
/** Roughly the values an answer may hold, summed over a batch: a month of hourly points with every field, or 500 events with a dozen fields. */
export const maxCost = 20_000;
/** A dashboard's query is a few hundred tokens; the bound keeps parsing cheap whatever the body holds. */
export const maxTokens = 5_000;
const defaultListMultiplier = 10;
/** A top-level field starts its own database read (an aggregate over rollups or events): a batch holds at most a few dozen. */
export const rootFieldCost = 500;

/** `rows`: the event rows the field's read will scan. */
export type FieldCost = number | { field?: number; multiplier?: number; rows?: number };
type CostOption = FieldCost | ((args: Record<string, unknown>, ctx: unknown) => FieldCost);

export interface Measure {
  cost: number;
  depth: number;
  /** Event rows the reads will scan. */
  rows: number;
}

export interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } } });
const invalid = (message: string) => new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } });

/** The cost and depth of one operation; throws a GraphQLError for what no valid document holds (unknown fields, missing or cyclic fragments). */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, inputs: Record<string, unknown>, ctx: unknown): Measure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const op = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  // graphql's own validation explains a missing or ambiguous operation
  if (!op) return { cost: 0, depth: 0, rows: 0 };
  const root = schema.getRootType(op.operation);
  if (!root) return { cost: 0, depth: 0, rows: 0 };
  // Arguments are read as execution will read them (a DateTime string becomes epoch ms). Bad ones are
  // measured as absent: validation and execution refuse them afterwards with their own messages.
  const variables = getVariableValues(schema, op.variableDefinitions ?? [], inputs).coerced ?? {};
  const argsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> | undefined => {
    try {
      return getArgumentValues(field, node, variables);
    } catch {
      return undefined;
    }
  };

  const memo = new Map<SelectionSetNode, Map<string, Measure>>();
  const active = new Set<SelectionSetNode>();

  const fieldOf = (type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (type === root && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (type === root && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
  };

  const measureSet = (set: SelectionSetNode, type: GraphQLNamedType): Measure => {
    const known = memo.get(set)?.get(type.name);
    if (known) return known;
    if (active.has(set)) throw invalid("A fragment spreads itself.");
    active.add(set);
    let cost = 0;
    let depth = 0;
    let rows = 0;
    for (const s of set.selections) {
      let inner: Measure;
      if (s.kind === Kind.FIELD) {
        if (s.name.value === "__typename") {
          inner = { cost: 1, depth: 1, rows: 0 };
        } else {
          const field = fieldOf(type, s.name.value);
          if (!field) throw invalid(`Cannot query field "${s.name.value}" on type "${type.name}".`);
          const own = fieldCost(field, argsOf(field, s), ctx);
          const sub = s.selectionSet ? measureSet(s.selectionSet, getNamedType(field.type)) : { cost: 0, depth: 0, rows: 0 };
          const read = type === root && !field.name.startsWith("__") ? rootFieldCost : 0;
          const scanned = own.rows + own.multiplier * sub.rows;
          inner = { cost: read + own.field + own.rows / rowsPerCost + own.multiplier * sub.cost, depth: 1 + sub.depth, rows: scanned };
        }
      } else {
        const fragment = s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value) : s;
        if (!fragment) throw invalid(`Unknown fragment "${(s as { name: { value: string } }).name.value}".`);
        const on = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (!on) throw invalid(`Unknown type "${fragment.typeCondition!.name.value}".`);
        inner = measureSet(fragment.selectionSet, on);
      }
      cost += inner.cost;
      rows += inner.rows;
      depth = Math.max(depth, inner.depth);
    }
    active.delete(set);
    const result = { cost, depth, rows };
    if (!memo.has(set)) memo.set(set, new Map());
    memo.get(set)!.set(type.name, result);
    return result;
  };
  return measureSet(op.selectionSet, root);
}

function fieldCost(field: GraphQLField<unknown, unknown>, args: Record<string, unknown> | undefined, ctx: unknown): { field: number; multiplier: number; rows: number } {
  const option = field.extensions?.complexity as CostOption | undefined;
  // without valid arguments the field never runs; its cost function is not asked
  const value = typeof option === "function" ? (args === undefined ? 1 : option(args, ctx)) : option;
  const list = isListType(getNullableType(field.type));
  if (value === undefined) return { field: 1, multiplier: list ? defaultListMultiplier : 1, rows: 0 };
  if (typeof value === "number") return { field: value, multiplier: list ? defaultListMultiplier : 1, rows: 0 };
  return { field: value.field ?? 1, multiplier: Math.max(0, value.multiplier ?? (list ? defaultListMultiplier : 1)), rows: Math.max(0, value.rows ?? 0) };
}

/**
 * Parses and measures every operation of a request (one, or a batch) and
 * throws the GraphQLError that refuses it: too many tokens, too deep, or a
 * total cost over the limit. Syntax errors are left to the server's own
 * parse, which reports them with their location. Returns the event rows the
 * batch will scan.
 */
export function checkOperations(schema: GraphQLSchema, requests: readonly OperationRequest[], ctx: unknown, limits = { maxCost, maxDepth, maxTokens }): { rows: number } {
  let total = 0;
  let scanned = 0;
  for (const r of requests) {
    if (typeof r.query !== "string") continue;
    let document: DocumentNode;
    try {
      document = parse(r.query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch (e) {
      if (e instanceof GraphQLError && e.message.includes("tokens")) throw tooComplex(`A GraphQL document may hold at most ${limits.maxTokens} tokens.`);
      continue;
    }
    const { cost, depth, rows } = measureOperation(schema, document, r.operationName, r.variables ?? {}, ctx);
    if (depth > limits.maxDepth) throw tooComplex(`The operation is nested ${depth} levels deep; the limit is ${limits.maxDepth}.`);
    total += cost;
    scanned += rows;
    // the rest of a batch cannot make it cheaper
    if (total > limits.maxCost) break;
  }
  if (total > limits.maxCost) {
    const what = requests.length > 1 ? `These ${requests.length} operations cost at least` : "The operation costs";
    throw tooComplex(
      `${what} ${total < 1e15 ? Math.round(total) : "more than 10^15"} (about one per value in the answer: lists count each item, events by first, usageSeries by its buckets; ${rootFieldCost} per top-level field; one per ${rowsPerCost} events a field scans, about ${Math.round(scanned)} here); the limit is ${limits.maxCost}. Ask for fewer fields, a shorter period, DAY buckets or smaller pages.`,
    );
  }
  return { rows: scanned };
}
