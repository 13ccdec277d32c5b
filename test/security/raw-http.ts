/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send
 * (a Host with "/", a body that never finishes) and for holding
 * connections open. Every socket is bounded by a deadline and closed by
 * its owner.
 */
import { connect, type Socket } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, as text. */
  raw: string;
}

export function parseAnswer(raw: string): RawAnswer {
  const end = raw.indexOf("\r\n\r\n");
  const head = end < 0 ? raw : raw.slice(0, end);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = end < 0 ? "" : raw.slice(end + 4);
  if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  return { status: Number(statusLine.split(" ")[1] ?? 0), headers, body, raw };
}

function unchunk(s: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const nl = s.indexOf("\r\n", at);
    if (nl < 0) return out;
    const size = parseInt(s.slice(at, nl), 16);
    if (!(size > 0)) return out;
    out += s.slice(nl + 2, nl + 2 + size);
    at = nl + 2 + size + 2;
  }
}

/** Sends `request` as written and reads until the server closes (the request should say `connection: close`). */
export function rawRequest(port: number, request: string, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let raw = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(raw.slice(0, 200))}`));
    }, timeoutMs);
    socket.on("data", (d) => (raw += d.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parseAnswer(raw));
    });
  });
}

/** An open connection whose traffic the test drives: `received` grows, `closed` says when the server hung up. */
export interface HeldSocket {
  socket: Socket;
  received(): string;
  closed(): boolean;
  close(): void;
}

/** `from`: the local address to connect from (another loopback address is another client). */
export function holdSocket(port: number, firstBytes: string, from = "127.0.0.1"): Promise<HeldSocket> {
  return new Promise((resolve, reject) => {
    let raw = "";
    let closed = false;
    const socket = connect({ port, host: "127.0.0.1", localAddress: from }, () => {
      socket.write(firstBytes);
      resolve({ socket, received: () => raw, closed: () => closed, close: () => void socket.destroy() });
    });
    socket.on("data", (d) => (raw += d.toString("latin1")));
    socket.on("error", (e) => (closed ? undefined : reject(e)));
    socket.on("close", () => (closed = true));
  });
}
