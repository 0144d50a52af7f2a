-- post_queue.lua — POST /api/queue {patient_id, reason}: each request queues another patient, so
-- that none is refused as already waiting (409). Thread t of T sends BASE + t, BASE + t + T, ...
-- wrapped into 1..ND_N; tests/bench/run gives each run its own BASE. Cookie, Origin from -H.
dofile(os.getenv("ND_LUA") .. "/report.lua")

local n = tonumber(os.getenv("ND_N") or "100000")
local base = tonumber(os.getenv("BASE") or "0")
local nthreads = 0
local reasons = { "fever", "cough and cold", "BP review", "sugar check", "follow-up", "stomach pain" }

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end

function init(args)
  k = 0
  total = tonumber(os.getenv("THREADS") or "2")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  local id = (base + (tid - 1) + k * total) % n + 1
  k = k + 1
  local body = string.format('{"patient_id":%d,"reason":"%s"}', id, reasons[id % #reasons + 1])
  return wrk.format(nil, "/api/queue", nil, body)
end
