/**
 * Org keys: `lk_` + 256 random bits (base64url). Only the SHA-256 of a key is
 * stored; the prefix shown in listings is too short to guess the rest from.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export const keyPrefixLength = 11; // "lk_" + 8 characters

export function generateOrgKey(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `lk_${Buffer.from(bytes).toString("base64url")}`;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function keyPrefix(key: string): string {
  return key.slice(0, keyPrefixLength);
}

/** Cheap shape check before any lookup: rejects junk without touching the database. */
export function looksLikeOrgKey(key: string): boolean {
  return /^lk_[A-Za-z0-9_-]{20,200}$/.test(key);
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Constant-time comparison of two secrets of any length (compared as SHA-256 digests). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}
