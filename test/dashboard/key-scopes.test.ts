/** The keys page reads what the server's schema offers for key scopes, and works without them. */
import { expect, test } from "bun:test";
import { scopesOf, type Schema } from "../../src/dashboard/ui/views/settings-keys.tsx";

type Arg = Schema extends { mutation: { fields: (infer F)[] } | null } ? F extends { args: (infer A)[] } ? A : never : never;
const field = (name: string, args: Arg[] = []) => ({ name, args });

test("without ApiKey.scope and createKey(scope:): no scope column, no scope choice", () => {
  expect(scopesOf({ key: { fields: [{ name: "id" }, { name: "prefix" }] }, mutation: { fields: [field("createKey", [{ name: "orgId", type: { name: null, kind: "NON_NULL", ofType: { name: "ID", kind: "SCALAR" } } }])] } })).toEqual({
    field: false,
    values: [],
    type: "",
  });
  expect(scopesOf({ key: null, mutation: null })).toEqual({ field: false, values: [], type: "" });
});

test("with them: the column, and the enum's values and name for the mutation's variable, nullable or not", () => {
  const scopeEnum = { name: "KeyScope", kind: "ENUM", enumValues: [{ name: "PROXY" }, { name: "READ" }, { name: "ADMIN" }] };
  const withScope = (type: Arg["type"]): Schema => ({ key: { fields: [{ name: "id" }, { name: "scope" }] }, mutation: { fields: [field("createKey", [{ name: "orgId", type: { name: "ID", kind: "SCALAR" } }, { name: "scope", type }])] } });
  const expected = { field: true, values: ["PROXY", "READ", "ADMIN"], type: "KeyScope" };
  expect(scopesOf(withScope(scopeEnum))).toEqual(expected);
  expect(scopesOf(withScope({ name: null, kind: "NON_NULL", ofType: scopeEnum }))).toEqual(expected);
});
