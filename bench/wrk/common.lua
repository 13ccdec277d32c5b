-- Shared by json.lua and sse.lua: headers from the environment, a clean stop
-- and a one-line JSON summary.
--
-- BENCH_HEADERS   "name: value|name: value" added to every request
-- BENCH_PATH      request path (default /v1/chat/completions)
-- BENCH_STOP_MS   after this many ms each connection stops sending (its
--                 in-flight request still completes), so that when wrk exits
--                 no request is cut halfway: requests sent = requests answered
--                 = events recorded, exactly. 0 = never stop (plain wrk).
-- BENCH_RATE      requests/s for the whole run (soak; wrk -t 1); 0 = as fast as possible
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local function bench_request(body)
  wrk.method = "POST"
  wrk.path = os.getenv("BENCH_PATH") or "/v1/chat/completions"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
    if name then wrk.headers[name] = value end
  end
end

local stop_ms = tonumber(os.getenv("BENCH_STOP_MS") or "0")
-- one wrk thread per run (-t 1), so the thread's schedule is the whole rate
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local interval_ms = rate > 0 and (1000 / rate) or 0
local stop_at = nil
local next_at = 0

function init(args)
  local t = now_ms()
  if stop_ms > 0 then stop_at = t + stop_ms end
  next_at = t
end

-- wrk calls delay() before every request only when the script defines it,
-- and it costs wrk a timer event per request: define it only when needed.
if stop_ms > 0 or rate > 0 then
  function delay()
    local t = now_ms()
    if stop_at and t >= stop_at then return 3600000 end
    if interval_ms == 0 then return 0 end
    local slot = math.max(next_at, t)
    next_at = slot + interval_ms
    return slot - t
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"lat_mean_us":%.2f,"lat_max_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"stop_ms":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), stop_ms))
end

return bench_request
