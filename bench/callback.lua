-- wrk script: POST /callback with pre-generated, pre-signed webhook bodies.
-- Usage: wrk ... -s bench/callback.lua <url> -- <bodies file> <threads> <json summary out>
-- The file has one request per line: "<X-Line-Signature>\t<JSON body>". Thread i sends lines i, i+n, ...
-- so no event is sent twice; if a thread runs out it wraps around (counted in "wrapped": redelivered
-- events are cheap no-ops for the bot, so a non-zero count means the file was too short).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  out_path = args[3]
  requests_ = {}
  local n = 0
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if n % nthreads == tid then
      local tab = line:find("\t", 1, true)
      local headers = {
        ["Content-Type"] = "application/json",
        ["X-Line-Signature"] = line:sub(1, tab - 1),
        ["User-Agent"] = "LineBotWebhook/2.0",
      }
      requests_[#requests_ + 1] = wrk.format("POST", "/callback", headers, line:sub(tab + 1))
    end
    n = n + 1
  end
  f:close()
  idx = 0
  wrapped = 0
  non2xx = 0
end

function request()
  idx = idx + 1
  if idx > #requests_ then
    idx = 1
    wrapped = wrapped + 1
  end
  return requests_[idx]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local wrapped_total, non2xx_total = 0, 0
  for _, t in ipairs(threads) do
    wrapped_total = wrapped_total + (t:get("wrapped") or 0)
    non2xx_total = non2xx_total + (t:get("non2xx") or 0)
  end
  local e = summary.errors
  local json = string.format(
    '{"duration_us": %d, "requests": %d, "non2xx": %d, "wrapped": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}',
    summary.duration, summary.requests, non2xx_total, wrapped_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean)
  -- done() runs in the setup environment, which never saw init()'s arguments: ask a thread.
  local f = assert(io.open(threads[1]:get("out_path"), "w"))
  f:write(json)
  f:close()
end
