/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is case-insensitive), or undefined. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return token === "" ? undefined : token;
}
