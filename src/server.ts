/**
 * Starts Lectr: database → migrations → bootstrap → HTTP. Returns a handle
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
import { startPriceBooks, type PriceBooks } from "./pricing/price-books.ts";
import { listAllModelPrices } from "./db/model-prices.ts";
import { createAuthenticator } from "./proxy/auth.ts";
import { createProxy } from "./proxy/handle.ts";
import { createFailureLimiter } from "./proxy/auth-limit.ts";
import { startRulesCache, type RulesCache } from "./routing/cache.ts";
import { listAllRules } from "./db/routing.ts";
import { startRecorder, type Recorder } from "./record/recorder.ts";
import { buildApp } from "./app.ts";
import { createLectrMetrics } from "./observe/lectr-metrics.ts";
import { budgetUtilisation } from "./observe/budget-metrics.ts";
import { createObserver } from "./observe/observer.ts";
import { metricsHandler, statusHandler } from "./observe/status.ts";
import { createOtlpTracer } from "./observe/trace.ts";
import { version } from "./version.ts";
import { serve, type Served } from "./runtime.ts";
import { startBudgets } from "./budgets/budgets.ts";

export interface Lectr {
  url: string;
  port: number;
  database: Database;
  recorder: Recorder;
  /** Routing rules in memory; refresh() after changing them. */
  rules: RulesCache;
  /** Org price overrides and Azure deployment maps in memory; refresh() after changing them. */
  priceBooks: PriceBooks;
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
}

export async function startServer(config: Config, opts: StartOptions): Promise<Lectr> {
  const { log } = opts;
  // a bad LECTR_PRICES_FILE stops the start before anything is opened
  const prices = opts.prices ?? loadPriceRegistry(config.pricesFile);
  const database = await openDatabase(config.dbUrl, config.dbAuthToken);
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
    logLevel: config.logLevel,
  });
  // prices are read per request, from the books loaded below
  const budgets = await startBudgets({ ...config, prices: (orgId) => priceBooks.forOrg(orgId), log });
  let inflight = 0;
  let drained: (() => void) | undefined;
  const auth = createAuthenticator((hash) => findKeyByHash(database.db, hash), config.keyCacheTtlMs);
  const metrics = createLectrMetrics(prices, () => recorder.stats());
  metrics.registry.add(budgetUtilisation(() => budgets.guard.utilisation(Date.now())));
  // reloaded often enough that a rule changed on another replica applies within 5 s
  const rules = await startRulesCache(() => listAllRules(database.db), 2_000, (e) => log.warn("routing rules reload failed", { error: String(e) }));
  const priceBooks = await startPriceBooks(
    prices,
    async () => ({ prices: await listAllModelPrices(database.db), deployments: await listAzureDeployments(database.db) }),
    2_000,
    (e) => log.warn("org prices reload failed", { error: String(e) }),
  );
  const tracer = config.otlp ? createOtlpTracer(config.otlp, config.serviceName, version, (e) => log.warn("trace export failed", { error: String(e) })) : undefined;
  const proxy = createProxy({
    config,
    auth,
    recorder,
    prices: priceBooks,
    log,
    observer: createObserver({ log, metrics, tracer }),
    limiter: createFailureLimiter(config.authFailLimit, config.authFailWindowMs),
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
  let graphql: Promise<(request: Request) => Promise<Response>> | undefined;
  const loadGraphql = async () => {
    const { graphqlHandler } = await import("./graphql/plugin.ts");
    return graphqlHandler({ db: database.db, auth, adminToken: config.adminToken, allowPrivateUpstreams: config.allowPrivateUpstreams, log, rules, prices, priceBooks, writePath: database.writePath, budgets: { status: budgets.guard.status, refresh: budgets.refresh } });
  };
  const app = buildApp({
    proxy,
    clientIp: (request) => served?.clientIp(request) ?? "",
    status: statusHandler({ auth, recorder, adminToken: config.adminToken, databaseKind: database.kind, startedAt: Date.now() }),
    metrics: metricsHandler(() => metrics.registry.render(), config.metricsToken),
    graphql: (request) => (graphql ??= loadGraphql()).then((handle) => handle(request)),
    log,
    // Ready means events reach the database: it answers and the writer is not spooling.
    ready: async () => {
      try {
        await database.client.execute("SELECT 1");
        return recorder.stats().healthy;
      } catch {
        return false;
      }
    },
  });
  const fetch = (request: Request) => app.handle(request);
  const server = serve({ port: config.port, hostname: config.host, fetch, maxRequestBodySize: Number.MAX_SAFE_INTEGER });
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
    bootstrap,
    get inflight() {
      return inflight;
    },
    fetch,
    shutdown() {
      stopping ??= (async () => {
        const stopped = server.stop(false);
        if (inflight > 0) {
          const done = new Promise<void>((r) => (drained = r));
          const grace = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), config.shutdownGraceMs).unref?.());
          if ((await Promise.race([done, grace])) === "timeout") log.warn("grace period over, closing open requests", { inflight });
        }
        await server.stop(true).catch(() => {});
        await stopped.catch(() => {});
        rules.stop();
        priceBooks.stop();
        await budgets.stop();
        await recorder.close();
        await tracer?.flush();
        database.close();
        log.info("stopped", { events: recorder.written });
      })();
      return stopping;
    },
  };
}
