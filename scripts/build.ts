/**
 * Builds the single `lectr` binary: `npm run build [-- --target bun-linux-arm64] [--outfile PATH]`.
 *
 * `bun build --compile` follows static imports only, and libSQL picks its
 * native binding with a dynamic `require(\`@libsql/${target}\`)`
 * (node_modules/libsql/index.js). The plugin below rewrites that one require
 * to the static path of the target's `index.node`, so Bun embeds it and the
 * binary needs nothing beside it. Migrations and prices are imported as
 * text/JSON and embed on their own; worker scripts are extra entrypoints.
 * The dashboard is bundled first and embedded as strings (embedDashboard);
 * its gzipped size is printed and held to a budget.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { BunPlugin } from "bun";
import { bundleDashboard, gzippedSizes, type DashboardFile } from "../src/dashboard/bundle.ts";

const projectRoot = join(import.meta.dir, "..");

/** Each supported target and the prebuilt libSQL binding it needs (node_modules/libsql/package.json lists them). */
export const targets = {
  "bun-linux-x64": "@libsql/linux-x64-gnu",
  "bun-linux-arm64": "@libsql/linux-arm64-gnu",
  "bun-darwin-arm64": "@libsql/darwin-arm64",
  "bun-darwin-x64": "@libsql/darwin-x64",
} as const;
export type Target = keyof typeof targets;

export const defaultTarget: Target = "bun-linux-x64";

export interface BuildOptions {
  target?: Target;
  outfile?: string;
  /** The tree to build from (default: this project). */
  root?: string;
  /** Default: the root's `git rev-parse --short HEAD`. */
  commit?: string;
}

export interface BuildResult {
  outfile: string;
  bytes: number;
  commit: string;
  /** The dashboard's files as a browser downloads them (gzipped), in bytes. */
  dashboard: ReturnType<typeof gzippedSizes>;
}

/** The most the dashboard may weigh, gzipped: it is the first thing a team opens. */
export const dashboardBudget = 250 * 1024;

export class BuildError extends Error {}

/** The loader line in libsql/index.js that the plugin makes static. */
const dynamicRequire = "require(`@libsql/${target}`)";

export function embedLibsql(nodeFile: string): BunPlugin {
  return {
    name: "embed-libsql-binding",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, ({ path }) => {
        const source = readFileSync(path, "utf8");
        // A libsql upgrade that changes the loader must fail the build, not ship a binary without its database.
        if (!source.includes(dynamicRequire)) throw new BuildError(`${path} no longer contains ${dynamicRequire}; update scripts/build.ts`);
        return { contents: source.replace(dynamicRequire, `require(${JSON.stringify(nodeFile)})`), loader: "js" };
      });
    },
  };
}

/**
 * Replaces src/dashboard/assets.ts (which bundles on demand when run from
 * source) with the files bundled now, as string literals: the binary serves
 * the dashboard from memory, with nothing beside it.
 */
export function embedDashboard(files: DashboardFile[]): BunPlugin {
  return {
    name: "embed-dashboard",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]dashboard[\\/]assets\.ts$/ }, () => ({
        contents: `export const loadDashboardFiles = async () => ${JSON.stringify(files)};`,
        loader: "ts",
      }));
    },
  };
}

/** The binding's index.node for a target, or the npm command that installs the version libsql expects. */
export function findBinding(target: Target, root = projectRoot): { ok: true; nodeFile: string } | { ok: false; message: string } {
  const pkg = targets[target];
  const wanted: string | undefined = readJson(join(root, "node_modules/libsql/package.json")).optionalDependencies?.[pkg];
  // --force: npm otherwise refuses a package whose os/cpu is not this machine's.
  const install = `npm install --no-save --force ${pkg}${wanted ? `@${wanted}` : ""}`;
  const dir = join(root, "node_modules", pkg);
  const nodeFile = join(dir, "index.node");
  if (!existsSync(nodeFile)) {
    return { ok: false, message: `${target} needs libSQL's native binding ${pkg}, which is not installed (npm installs only this machine's).\nInstall it, then build again:\n  ${install}` };
  }
  const installed: string = readJson(join(dir, "package.json")).version;
  if (wanted && installed !== wanted) return { ok: false, message: `${pkg} is ${installed} but libsql expects ${wanted}:\n  ${install}` };
  return { ok: true, nodeFile };
}

/**
 * Every thread's module under src/: the `new URL("./x.ts", import.meta.url)`
 * handed to `new Worker`, or to `spawnThread`/`startThread` (src/lib/thread.ts). A
 * compiled binary embeds a worker only as an extra entrypoint
 * (bun.com/docs/bundler/executables#worker); see `build` for where.
 */
export function workerEntrypoints(srcDir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(srcDir, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".ts")) continue;
    const file = join(srcDir, entry);
    for (const m of readFileSync(file, "utf8").matchAll(/(?:new Worker\(|spawnThread\(|url:)\s*new URL\(\s*["'`]\.\/([^"'`/]+)["'`]\s*,\s*import\.meta\.url/g)) {
      found.push(resolve(dirname(file), m[1]!));
    }
  }
  const names = found.map((f) => basename(f));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new BuildError(`two workers are named ${twice}; the binary keeps workers side by side, so give them distinct names`);
  return found.sort();
}

export function gitCommit(root = projectRoot): string {
  const git = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: root, stdout: "pipe", stderr: "ignore" });
  const sha = git.success ? git.stdout.toString().trim() : "";
  return sha || "unknown";
}

export async function build(opts: BuildOptions = {}): Promise<BuildResult> {
  const { target = defaultTarget, root = projectRoot } = opts;
  const binding = findBinding(target, root);
  if (!binding.ok) throw new BuildError(binding.message);
  const outfile = opts.outfile ?? join(root, "dist", target === defaultTarget ? "lectr" : `lectr-${target.slice("bun-".length)}`);
  const commit = opts.commit ?? gitCommit(root);
  const dashboard = await bundleDashboard(join(root, "src/dashboard/ui/main.tsx"));
  const sizes = gzippedSizes(dashboard);
  if (sizes.total > dashboardBudget) throw new BuildError(`The dashboard is ${sizes.total} bytes gzipped, over its ${dashboardBudget}-byte budget.`);
  const result = await Bun.build({
    entrypoints: [join(root, "src/main.ts"), ...workerEntrypoints(join(root, "src"))],
    // Inside the binary every module's import.meta.url is the binary's own
    // (/$bunfs/root/lectr), so `new URL("./worker.ts", import.meta.url)`
    // names /$bunfs/root/worker.ts: entries are laid out flat to be found there.
    // (No `bytecode: true`: with it import.meta.url becomes the build machine's
    // source path and workers would load from a folder users don't have.)
    naming: { entry: "[name].[ext]" },
    compile: {
      target,
      outfile,
      // Configuration is env and flags only, as under Deno: no stray .env or bunfig.toml from the working directory.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    minify: true,
    define: { LECTR_COMMIT: JSON.stringify(commit) },
    plugins: [embedLibsql(binding.nodeFile), embedDashboard(dashboard)],
    throw: false,
  });
  if (!result.success) throw new BuildError(result.logs.map(String).join("\n"));
  return { outfile, bytes: statSync(outfile).size, commit, dashboard: sizes };
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function parseArgs(args: string[]): { target: Target; outfile: string | undefined } {
  const value = (flag: string) => {
    const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    return args[i]!.includes("=") ? args[i]!.slice(flag.length + 1) : args[i + 1];
  };
  const target = value("--target") ?? defaultTarget;
  if (!(target in targets)) throw new BuildError(`Unknown target "${target}". Targets: ${Object.keys(targets).join(", ")}`);
  const outfile = value("--outfile");
  return { target: target as Target, outfile: outfile === undefined ? undefined : resolve(outfile) };
}

if (import.meta.main) {
  try {
    const { target, outfile } = parseArgs(Bun.argv.slice(2));
    const started = performance.now();
    const built = await build({ target, outfile });
    const mb = (built.bytes / 1024 / 1024).toFixed(1);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Built ${relative(process.cwd(), built.outfile)} (${target}, commit ${built.commit}): ${mb} MB in ${seconds} s`);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const parts = built.dashboard.files.map((f) => `${f.path} ${kb(f.bytes)}`).join(", ");
    console.log(`Dashboard: ${kb(built.dashboard.total)} gzipped of ${kb(dashboardBudget)} (${parts})`);
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
