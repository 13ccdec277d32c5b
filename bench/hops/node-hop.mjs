/**
 * A bare Node hop: `http.request` piping with a keep-alive agent, and one
 * JSON log line per request, buffered and written every 20 ms as Lectr's own
 * logger does (src/lib/log.ts), so neither pays a write per request. No auth,
 * no parsing, no recording.
 * `UPSTREAM=http://127.0.0.1:PORT PORT=N node bench/hops/node-hop.mjs`
 */
import http from "node:http";

const upstream = new URL(process.env.UPSTREAM ?? "http://127.0.0.1:9000");
const port = Number(process.env.PORT ?? 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

let lines = [];
let timer;
const flush = () => {
  timer = undefined;
  process.stdout.write(lines.join(""));
  lines = [];
};
const logLine = (line) => {
  lines.push(line);
  timer ??= setTimeout(flush, 20);
};

const server = http.createServer((req, res) => {
  const started = performance.now();
  const headers = { ...req.headers, host: upstream.host };
  const up = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(up);
  res.on("close", () => {
    logLine(
      `${JSON.stringify({ time: new Date().toISOString(), msg: "request", method: req.method, path: req.url, status: res.statusCode, ms: Math.round((performance.now() - started) * 100) / 100 })}\n`,
    );
  });
});
server.keepAliveTimeout = 0;
server.listen(port, "127.0.0.1", () => console.log(`node-hop listening on ${server.address().port}`));
