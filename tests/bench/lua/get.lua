-- get.lua — GET of the URL given to wrk, headers from wrk -H. With EXPECT=<status> in the
-- environment every answer is looked at and those with another status are counted (extra
-- " expected=N other=M"): the If-None-Match row runs with EXPECT=304, since wrk itself counts only
-- statuses >= 400. Looking at every answer costs wrk some CPU, hence only where it is needed.
dofile(os.getenv("ND_LUA") .. "/report.lua")

local expect = tonumber(os.getenv("EXPECT") or "")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

if expect then
  n_expected, n_other = 0, 0
  function response(status, headers, body)
    if status == expect then n_expected = n_expected + 1 else n_other = n_other + 1 end
  end
  function extra()
    local a, b = 0, 0
    for _, t in ipairs(threads) do
      a = a + (t:get("n_expected") or 0)
      b = b + (t:get("n_other") or 0)
    end
    return string.format(" expected=%d other=%d", a, b)
  end
end
