/**
 * The GraphQL errors Lectr answers with on purpose, by `extensions.code`
 * (the codes Apollo and Yoga clients know). Anything else thrown in a
 * resolver is unexpected: Yoga masks it and plugin.ts logs it.
 */
import { GraphQLError } from "graphql";

/** No or bad credentials: the whole request gets HTTP 401. */
export const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: { "www-authenticate": 'Bearer realm="lectr"' } } } });

export const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });

export const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
