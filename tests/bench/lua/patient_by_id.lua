-- patient_by_id.lua — GET /api/patients/{id} with a random id in 1..ND_N on every request
-- (the generated clinic numbers its patients 1..ND_N). Cookie from wrk -H.
dofile(os.getenv("ND_LUA") .. "/report.lua")

local n = tonumber(os.getenv("ND_N") or "100000")
local count = 0

function setup(thread)
  count = count + 1
  thread:set("seed", count)
end

function init(args)
  math.randomseed(7919 * (seed or 1) + os.time())
end

function request()
  return wrk.format("GET", "/api/patients/" .. math.random(1, n))
end
