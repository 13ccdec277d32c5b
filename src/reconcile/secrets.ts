/**
 * Sealing of provider admin keys with the operator's LECTR_SECRETS_KEY:
 * AES-256-GCM through WebCrypto (the same on Bun and Deno), a fresh 96-bit
 * IV per seal, and the org and provider as additional data so a sealed key
 * copied onto another org's row does not open.
 *
 * LECTR_SECRETS_KEY is 32 random bytes written as 64 hex digits or as
 * base64 / base64url (`openssl rand -base64 32`). Anything else is refused:
 * a passphrase would be a weak key.
 */
import { Buffer } from "node:buffer";

export type SecretsKeyResult = { ok: true; key: CryptoKey } | { ok: false; error: string };

const version = "v1";

function decodeKeyText(text: string): Uint8Array<ArrayBuffer> | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Uint8Array.from(t.match(/../g)!.map((h) => parseInt(h, 16)));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return bytes.length === 32 ? Uint8Array.from(bytes) : undefined;
  }
  return undefined;
}

/** The key, imported for AES-GCM and not extractable; a malformed one is an error naming the format (never echoing the value). */
export async function importSecretsKey(text: string): Promise<SecretsKeyResult> {
  const raw = decodeKeyText(text);
  if (!raw) return { ok: false, error: "LECTR_SECRETS_KEY must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)" };
  const key = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return { ok: true, key };
}

const aad = (orgId: string, provider: string) => new TextEncoder().encode(`lectr-admin-key:${orgId}:${provider}`);

export async function sealSecret(key: CryptoKey, plain: string, orgId: string, provider: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(orgId, provider) }, key, new TextEncoder().encode(plain)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return `${version}.${Buffer.from(out).toString("base64url")}`;
}

/** The plain secret, or undefined when the text was sealed under another key or for another org/provider, or is damaged. */
export async function openSecret(key: CryptoKey, sealed: string, orgId: string, provider: string): Promise<string | undefined> {
  const [v, body] = sealed.split(".");
  if (v !== version || !body) return undefined;
  const bytes = new Uint8Array(Buffer.from(body, "base64url"));
  if (bytes.length < 12 + 16) return undefined;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: aad(orgId, provider) }, key, bytes.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}
