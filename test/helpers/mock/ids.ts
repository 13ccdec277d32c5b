const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random string over `alphabet` (ids, request ids, padding). */
export function randomString(length: number, alphabet: string = alphanumeric): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export const hex = (length: number): string => randomString(length, "0123456789abcdef");

/** Groq-style `req_01…` ids use lower-case Crockford base32. */
export const groqRequestId = (): string => `req_01${randomString(24, "0123456789abcdefghjkmnpqrstvwxyz")}`;
