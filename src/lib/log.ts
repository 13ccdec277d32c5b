/**
 * Structured JSON logs, one object a line. Callers pass plain fields; nothing
 * here inspects them, so keys and prompts stay out by never being passed in.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in rank;
}

/** The ISO time of the current millisecond, formatted once per millisecond however many lines share it. */
let isoMs = 0;
let iso = "";
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    iso = new Date(ms).toISOString();
  }
  return iso;
}

/** One line, `{"time","level","msg",...fields}`: the fields object is serialised as it is, not copied into another. */
export function formatLine(time: string, lvl: LogLevel, msg: string, fields?: LogFields): string {
  const rest = fields === undefined ? "{}" : JSON.stringify(fields);
  return `{"time":"${time}","level":"${lvl}","msg":${JSON.stringify(msg)}${rest.length > 2 ? `,${rest.slice(1)}` : "}"}\n`;
}

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const min = rank[level];
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (rank[lvl] < min) return;
    write(formatLine(isoNow(), lvl, msg, fields));
  };
  return {
    level,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    enabled: (lvl) => rank[lvl] >= min,
  };
}

/** For tests and quiet CLI commands. */
export const silentLogger: Logger = createLogger("error", () => {});

/**
 * Collects lines and writes them in one call every few milliseconds: one
 * write per request costs twice as much as the line itself. `flush` runs at
 * shutdown; a hard kill can lose the last few milliseconds of lines.
 */
export function bufferedWriter(write: (text: string) => void, intervalMs = 20, maxBytes = 64 * 1024) {
  let lines: string[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const text = lines.join("");
    lines = [];
    bytes = 0;
    write(text);
  };
  return {
    write(line: string) {
      lines.push(line);
      bytes += line.length;
      if (bytes >= maxBytes) flush();
      else timer ??= setTimeout(flush, intervalMs);
    },
    flush,
  };
}
