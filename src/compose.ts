/**
 * The composition root, the one place that wires the areas together (and the
 * only one that imports src/proxy). Starts Lectr: database → migrations → bootstrap → HTTP. Returns a handle
 * whose `shutdown` stops accepting, lets in-flight requests finish, flushes
 * every event and closes the database.
 */
import type { Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { migrate } from "./db/migrate.ts";
import { bootstrapDefaultOrg, findKeyByHash, listAzureDeployments, type CreatedKey } from "./db/orgs.ts";
import type { Logger } from "./lib/log.ts";
import type { PriceRegistry } from "./pricing/registry.ts";
import { loadPriceRegistry } from "./pricing/prices-file.ts";
import { startPriceBooks, type PriceBooks } from "./pricing/price-book-cache.ts";
import { listAllModelPrices } from "./db/model-prices.ts";
import { createAuthenticator } from "./auth/authenticator.ts";
import { createProxy } from "./proxy/handle.ts";
import { createFailureLimiter } from "./auth/failure-limiter.ts";
import { startRulesCache, type RulesCache } from "./routing/cache.ts";
import { listAllRules } from "./db/routing.ts";
import { startRecorder, type Recorder } from "./record/recorder.ts";
import { buildApp } from "./app.ts";
import { createLectrMetrics } from "./observe/metrics.ts";
import { budgetUtilisation } from "./observe/budget-metrics.ts";
import { createObserver } from "./observe/observer.ts";
import { metricsHandler, statusHandler } from "./observe/status.ts";
import { createOtlpTracer } from "./observe/trace.ts";
import { version } from "./version.ts";
import { serve, type Served } from "./runtime/serve.ts";
import { createFrontDoor } from "./http/front-door.ts";

/** A readiness probe or key lookup the database has not answered in this long counts as unreachable. */
const probeTimeoutMs = 2_000;
/**
 * A batch write not answered in this long is spooled: a server that stopped answering, not a slow one
 * (a libSQL server itself cuts a write transaction held over 5 s).
 */
const writeTimeoutMs = 5_000;
/** Of the shutdown grace period, the part kept for the event writer after requests. */
const writerReserveMs = (graceMs: number) => Math.min(10_000, graceMs / 3);

/** A bound on a wait during readiness or shutdown; its timer never holds the process open. */
const bounded = <T>(p: Promise<T>, ms: number) => withTimeout(p, ms, `no answer in ${ms} ms`, { unref: true });
import { startBudgets } from "./budgets/budgets.ts";
import type { ReconcileControl } from "./reconcile/control.ts";
import { startReconcilerThread } from "./reconcile/thread.ts";
import { orgReconcileGauges, reconcileGauges } from "./reconcile/metrics.ts";
import { findOrgByName } from "./db/orgs.ts";
import type { BudgetGuard } from "./budgets/guard.ts";
import { sleep, withTimeout } from "./lib/timeout.ts";

export interface Lectr {
  url: string;
  port: number;
  database: Database;
  recorder: Recorder;
  /** Routing rules in memory; refresh() after changing them. */
  rules: RulesCache;
  /** Org price overrides and Azure deployment maps in memory; refresh() after changing them. */
  priceBooks: PriceBooks;
  /** Budgets' and rate limits' live figures as this replica sees them; refresh() after changing them. */
  budgets: { status: BudgetGuard["status"]; refresh(): Promise<void> };
  /** Reconciliation against the providers' admin APIs (off without LECTR_SECRETS_KEY). */
  reconciler: ReconcileControl;
  /** The bootstrap key, when this start created the `default` org. */
  bootstrap: CreatedKey | undefined;
  /** Requests still in flight (streams count until their last byte). */
  readonly inflight: number;
  fetch(request: Request): Promise<Response>;
  shutdown(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  prices?: PriceRegistry;
  /** Skip the `default` org bootstrap (tests that manage orgs themselves). */
  bootstrap?: boolean;
  /** The clock the key cache ages by (tests move it instead of waiting). */
  now?: () => number;
}

export async function startServer(config: Config, opts: StartOptions): Promise<Lectr> {
  const { log } = opts;
  // a bad LECTR_PRICES_FILE stops the start before anything is opened
  const prices = opts.prices ?? loadPriceRegistry(config.pricesFile);
  const database = await openDatabase(config.dbUrl, config.dbAuthToken, { threads: config.readThreads, timeoutMs: config.readTimeoutMs });
  await migrate(database.client);
  const bootstrap = opts.bootstrap === false ? undefined : await bootstrapDefaultOrg(database.db);

  const recorder = await startRecorder({
    dbUrl: config.dbUrl,
    dbAuthToken: config.dbAuthToken,
    spoolDir: config.spoolDir,
    batchSize: config.flushBatchSize,
    intervalMs: config.flushIntervalMs,
    retryMs: 1_000,
    maxQueued: 50_000,
    timeoutMs: writeTimeoutMs,
    logLevel: config.logLevel,
  }, { log });
  // prices are read per request, from the books loaded below
  const budgets = await startBudgets({ ...config, prices: (orgId) => priceBooks.forOrg(orgId), log });
  let inflight = 0;
  let drained: (() => void) | undefined;
  const auth = createAuthenticator((hash) => findKeyByHash(database.db, hash), config.keyCacheTtlMs, { lookupTimeoutMs: probeTimeoutMs, now: opts.now });
  const metrics = createLectrMetrics(prices, () => recorder.stats());
  const budgetView = { status: budgets.guard.status, refresh: budgets.refresh };
  // per budget and per limit: who spends what, so only behind LECTR_METRICS_TOKEN
  metrics.orgRegistry.add(budgetUtilisation(() => budgets.guard.utilisation(Date.now())));
  // reloaded often enough that a rule changed on another replica applies within 5 s
  const rules = await startRulesCache(() => listAllRules(database.db), 2_000, (e) => log.warn("routing rules reload failed", { error: String(e) }));
  const priceBooks = await startPriceBooks(
    prices,
    async () => ({ prices: await listAllModelPrices(database.db), deployments: await listAzureDeployments(database.db) }),
    2_000,
    (e) => log.warn("org prices reload failed", { error: String(e) }),
  );
  // its own thread: the provider calls and the day sums over events stay off the thread that serves /v1
  const reconciler = await startReconcilerThread({
    dbUrl: config.dbUrl,
    dbAuthToken: config.dbAuthToken,
    secretsKey: config.secretsKey,
    baseUrls: { openai: config.baseUrls.openai!, anthropic: config.baseUrls.anthropic! },
    pricesFile: config.pricesFile,
    allowPrivateUpstreams: config.allowPrivateUpstreams,
    logLevel: config.logLevel,
  });
  await sealDefaultOrgKeys(config, database, reconciler, log);
  metrics.registry.add(reconcileGauges(reconciler.gauges));
  metrics.orgRegistry.add(orgReconcileGauges(reconciler.gauges));
  const tracer = config.otlp ? createOtlpTracer(config.otlp, config.serviceName, version, (e) => log.warn("trace export failed", { error: String(e) })) : undefined;
  // one limit on failed credentials per address, shared by every door that takes a key
  const limiter = createFailureLimiter(config.authFailLimit, config.authFailWindowMs);
  const observer = createObserver({ log, metrics, tracer });
  const proxy = createProxy({
    config,
    auth,
    recorder,
    prices: priceBooks,
    log,
    observer,
    limiter,
    rules,
    budgets,
    inflight: {
      enter: () => void inflight++,
      leave: () => {
        if (--inflight === 0) drained?.();
      },
    },
  });
  let served: Served | undefined;
  // GraphQL (schema, yoga, Pothos) is loaded on its first request: a replica that only proxies never holds it (~35 MB under load).
  let graphql: Promise<(request: Request, clientIp: () => string) => Promise<Response>> | undefined;
  const loadGraphql = async () => {
    const { graphqlHandler } = await import("./graphql/plugin.ts");
    return graphqlHandler({
      // queries and mutations on the read connection: never on the thread that serves /v1
      db: database.reads.db,
      heavyQueriesPerKey: config.heavyQueriesPerKey,
      auth,
      adminToken: config.adminToken,
      allowPrivateUpstreams: config.allowPrivateUpstreams,
      bodyTimeoutMs: config.bodyTimeoutMs,
      log,
      rules,
      prices,
      priceBooks,
      writePath: database.writePath,
      limiter,
      onAuthFailure: (reason) => observer.authFailure(reason),
      corsOrigins: config.corsOrigins,
      budgets: budgetView,
      reconcile: reconciler,
    });
  };
  // the dashboard's files are loaded (from source: bundled) on the first request for them, like GraphQL
  let dashboard: Promise<(request: Request) => Promise<Response>> | undefined;
  const loadDashboard = async () => {
    const [{ dashboardHandler }, { loadDashboardFiles }] = await Promise.all([import("./dashboard/serve.ts"), import("./dashboard/assets.ts")]);
    return dashboardHandler(loadDashboardFiles);
  };
  const app = buildApp({
    proxy,
    clientIp: (request) => served?.clientIp(request) ?? "",
    status: statusHandler({
      auth,
      recorder,
      adminToken: config.adminToken,
      databaseKind: database.kind,
      startedAt: Date.now(),
      limiter,
      onAuthFailure: (reason) => observer.authFailure(reason),
    }),
    metrics: metricsHandler({ aggregate: () => metrics.registry.render(), perOrg: () => metrics.orgRegistry.render() }, config.metricsToken, {
      limiter,
      onAuthFailure: (reason) => observer.authFailure(reason),
    }),
    graphql: (request, clientIp) => (graphql ??= loadGraphql()).then((handle) => handle(request, clientIp)),
    dashboard: (request) => (dashboard ??= loadDashboard()).then((handle) => handle(request)),
    log,
    // Ready means events reach the database: it answers and the writer is not spooling.
    ready: async () => {
      try {
        await bounded(database.client.execute("SELECT 1"), probeTimeoutMs);
        return recorder.stats().healthy;
      } catch {
        return false;
      }
    },
  });
  const fetch = (request: Request) => app.handle(request);
  const server = serve({
    port: config.port,
    hostname: config.host,
    fetch,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    door: createFrontDoor({ maxPerAddress: config.maxConnectionsPerAddress }),
    idleTimeoutMs: config.idleTimeoutMs,
  });
  served = server;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  log.info("listening", { url: `http://${host}:${server.port}`, db: database.kind });

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${server.port}`,
    port: server.port,
    database,
    recorder,
    rules,
    priceBooks,
    budgets: budgetView,
    reconciler,
    bootstrap,
    get inflight() {
      return inflight;
    },
    fetch,
    shutdown() {
      // Everything below finishes within the grace period, whatever fails underneath:
      // requests get most of it, the event writer the rest, and what it cannot write stays in the spool.
      stopping ??= (async () => {
        const deadline = Date.now() + config.shutdownGraceMs;
        const stopped = server.stop(false);
        const requestsUntil = deadline - writerReserveMs(config.shutdownGraceMs);
        if (inflight > 0) {
          const done = new Promise<void>((r) => (drained = r));
          const grace = sleep(Math.max(0, config.shutdownGraceMs - writerReserveMs(config.shutdownGraceMs)), { unref: true }).then(() => "timeout" as const);
          if ((await Promise.race([done, grace])) === "timeout") log.warn("grace period over, closing open requests", { inflight });
        }
        // An answer is recorded before its last byte is written: wait for the runtime to finish writing it
        // (idle keep-alive connections do not count, so the forced stop below only closes those).
        while (server.pending() > 0 && Date.now() < requestsUntil) await sleep(10);
        if (server.pending() > 0) log.warn("grace period over, closing responses still being written", { pending: server.pending() });
        await bounded(server.stop(true), 1_000).catch(() => {});
        await bounded(stopped, 1_000).catch(() => {});
        rules.stop();
        priceBooks.stop();
        reconciler.stop();
        await bounded(budgets.stop(), 1_000).catch(() => {});
        // a little is kept back for the tracer and the log line
        await recorder.close(Math.max(500, deadline - Date.now() - 500));
        await bounded(tracer?.flush() ?? Promise.resolve(), Math.max(100, deadline - Date.now())).catch(() => {});
        try {
          database.close();
        } catch (err) {
          log.warn("database close failed", { error: String(err) });
        }
        log.info("stopped", { events: recorder.written });
      })();
      return stopping;
    },
  };
}

/** LECTR_OPENAI_ADMIN_KEY / LECTR_ANTHROPIC_ADMIN_KEY reconcile the `default` org: sealed into the database, never logged. */
async function sealDefaultOrgKeys(config: Config, database: Database, reconciler: ReconcileControl, log: Logger): Promise<void> {
  const given = (["openai", "anthropic"] as const).filter((p) => config.adminKeys[p] !== undefined);
  if (given.length === 0) return;
  if (!reconciler.enabled) {
    log.warn("provider admin keys are set but not used", { reason: reconciler.offReason });
    return;
  }
  const org = await findOrgByName(database.db, "default");
  if (!org) {
    log.warn("provider admin keys are set but there is no org named default to reconcile");
    return;
  }
  for (const p of given) await reconciler.setKey(org.id, p, config.adminKeys[p]!);
}
