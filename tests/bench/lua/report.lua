-- report.lua — wrk reporter shared by every script here: after wrk's own text it prints one
-- machine-readable line that tests/bench/run parses:
--   RESULT requests=N secs=S rps=R p50_us=.. p99_us=.. max_us=.. status_errors=.. sockerr=.. [extra]
-- status_errors is wrk's count of answers with status >= 400. A script that defines a global
-- function extra() appends what it returns (" key=value ...").
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local more = ""
  if type(extra) == "function" then more = extra() end
  io.write(string.format(
    "RESULT requests=%d secs=%.3f rps=%.1f p50_us=%d p99_us=%d max_us=%d status_errors=%d sockerr=%d%s\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout, more))
end
