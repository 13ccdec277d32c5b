/**
 * Secret settings (tokens): each also read from a file (`LECTR_ADMIN_TOKEN_FILE`,
 * as container secrets are mounted), never echoed in an error, and kept out
 * of a relaunched child's argv (readable by any local user in /proc/<pid>/cmdline).
 */
export interface SecretSetting {
  env: string;
  flag: string;
  /** Shorter values are refused: a guessable token guards nothing. */
  minLength: number;
}

export const secretSettings = {
  adminToken: { env: "LECTR_ADMIN_TOKEN", flag: "admin-token", minLength: 16 },
  metricsToken: { env: "LECTR_METRICS_TOKEN", flag: "metrics-token", minLength: 16 },
  dbAuthToken: { env: "LECTR_DB_AUTH_TOKEN", flag: "db-auth-token", minLength: 0 },
  // checked where they are used (the sealing key's length and encoding, a provider's key by the provider)
  secretsKey: { env: "LECTR_SECRETS_KEY", flag: "secrets-key", minLength: 0 },
  openaiAdminKey: { env: "LECTR_OPENAI_ADMIN_KEY", flag: "openai-admin-key", minLength: 0 },
  anthropicAdminKey: { env: "LECTR_ANTHROPIC_ADMIN_KEY", flag: "anthropic-admin-key", minLength: 0 },
} satisfies Record<string, SecretSetting>;

/**
 * The value from the flag or env var, or from the file the `_FILE` form names
 * (one trailing newline dropped). Setting both forms is refused: which one
 * would win is a guess.
 */
export function readSecret(
  s: SecretSetting,
  env: Record<string, string | undefined>,
  flags: Record<string, string>,
  readText: (path: string) => string,
): { ok: true; value: string | undefined } | { ok: false; error: string } {
  const direct = flags[s.flag] ?? env[s.env] ?? "";
  const file = flags[`${s.flag}-file`] ?? env[`${s.env}_FILE`] ?? "";
  if (direct !== "" && file !== "") return { ok: false, error: `${s.env} and ${s.env}_FILE are both set; set one of them` };
  let value = direct;
  if (file !== "") {
    try {
      value = readText(file).replace(/\r?\n$/, "");
    } catch (err) {
      return { ok: false, error: `${s.env}_FILE: cannot read ${JSON.stringify(file)} (${(err as { code?: string }).code ?? "unreadable"})` };
    }
    if (value === "") return { ok: false, error: `${s.env}_FILE: ${JSON.stringify(file)} is empty` };
  }
  if (value === "") return { ok: true, value: undefined };
  if (value.length < s.minLength) {
    return {
      ok: false,
      error: `${s.env} must be at least ${s.minLength} characters (it has ${value.length}): a short token can be guessed. Generate one with: openssl rand -hex 32`,
    };
  }
  return { ok: true, value };
}

/**
 * Moves secret flags (`--admin-token x`, `--admin-token=x`) out of `args`
 * into environment variables for a child process; a flag given twice keeps
 * its last value, as the parser does.
 */
export function secretsOutOfArgv(args: string[]): { args: string[]; env: Record<string, string> } {
  const byFlag = new Map<string, string>(Object.values(secretSettings).map((s) => [`--${s.flag}`, s.env]));
  const kept: string[] = [];
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      kept.push(...args.slice(i));
      break;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    const envName = byFlag.get(name);
    if (envName === undefined) {
      kept.push(a);
      continue;
    }
    if (eq > 0) env[envName] = a.slice(eq + 1);
    else if (i + 1 < args.length) env[envName] = args[++i]!;
  }
  return { args: kept, env };
}
