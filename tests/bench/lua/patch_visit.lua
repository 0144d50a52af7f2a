-- patch_visit.lua — PATCH /api/visits/{id}: the doctor's draft save (complaint, vitals, notes, two
-- diagnoses, three prescription lines, advice). Each request saves another of the drafts at
-- version 1 that tests/bench/run generated (ids FIRST..FIRST+COUNT-1): thread t of T takes
-- FIRST + BASE + t, + T, ... (wrk's Lua has no per-connection state to follow the version).
dofile(os.getenv("ND_LUA") .. "/report.lua")

local first = tonumber(os.getenv("FIRST") or "1")
local ndrafts = tonumber(os.getenv("COUNT") or "1")
local base = tonumber(os.getenv("BASE") or "0")
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end

function init(args)
  k = 0
  total = tonumber(os.getenv("THREADS") or "2")
end

wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"

local body = [[{"complaint":"Fever and body ache for 3 days","vitals":{"bp_systolic":128,]] ..
  [["bp_diastolic":84,"pulse":88,"temperature_c":38.2,"weight_kg":64.5,"height_cm":162,"spo2":98},]] ..
  [["notes":"Throat congested. Chest clear. No rash.","diagnoses":[{"text":"Viral fever","code":"A99"},]] ..
  [[{"text":"Acute pharyngitis","code":"J02.9"}],"prescriptions":[{"medicine":"Paracetamol",]] ..
  [["strength":"650 mg","form":"tablet","dose":"1-1-1","timing":"after_food","duration_days":3},]] ..
  [[{"medicine":"Cetirizine","strength":"10 mg","form":"tablet","dose":"0-0-1","timing":"bedtime",]] ..
  [["duration_days":5},{"medicine":"Pantoprazole","strength":"40 mg","form":"tablet","dose":"1-0-0",]] ..
  [["timing":"before_food","duration_days":5,"instructions":"Empty stomach"}],]] ..
  [["advice":"Rest, plenty of fluids. Review if fever persists.","version":1}]]

function request()
  local id = first + (base + (tid - 1) + k * total) % ndrafts
  k = k + 1
  return wrk.format(nil, "/api/visits/" .. id, nil, body)
end
