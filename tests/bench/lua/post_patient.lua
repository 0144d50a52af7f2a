-- post_patient.lua — POST /api/patients: a new patient on every request (Indian first and family
-- names, now and then a Tamil one; a 10-digit mobile; a date of birth or an age). Cookie and
-- Origin from wrk -H.
dofile(os.getenv("ND_LUA") .. "/report.lua")

local male = { "Arjun", "Rahul", "Karthik", "Saravanan", "Imran", "Vikram", "Suresh", "Joseph",
  "Gurpreet", "Venkatesh", "Ravi", "Anand", "Mohan", "Farhan", "Dinesh", "Murugan", "Senthil" }
local female = { "Priya", "Lakshmi", "Ananya", "Fatima", "Kavitha", "Meena", "Divya", "Harleen",
  "Radha", "Sneha", "Gayathri", "Mary", "Revathi", "Nandini", "Usha", "Selvi", "Abirami" }
local family = { "Sharma", "Iyer", "Reddy", "Nair", "Patel", "Khan", "Das", "Kulkarni", "Pillai",
  "Singh", "D'Souza", "Menon", "Naidu", "Gupta", "Krishnan", "Ramasamy", "Shanmugam" }
local tamil = { "முருகன் செல்வம்", "லட்சுமி ராமன்", "கார்த்திக் ராஜா", "மீனா சுந்தரம்" }
local count = 0

function setup(thread)
  count = count + 1
  thread:set("seed", count)
end

function init(args)
  math.randomseed(104729 * (seed or 1) + os.time())
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  local sex, name
  local r = math.random()
  if r < 0.04 then
    sex, name = "M", tamil[math.random(#tamil)]
  elseif r < 0.52 then
    sex, name = "M", male[math.random(#male)] .. " " .. family[math.random(#family)]
  else
    sex, name = "F", female[math.random(#female)] .. " " .. family[math.random(#family)]
  end
  local born
  if math.random() < 0.9 then
    born = string.format('"dob":"%04d-%02d-%02d"', math.random(1940, 2024), math.random(1, 12),
      math.random(1, 28))
  else
    born = string.format('"age_years":%d', math.random(1, 90))
  end
  local body = string.format('{"name":"%s","sex":"%s",%s,"phone":"%d%09d","address":"%d, Anna Nagar, Chennai"}',
    name, sex, born, math.random(6, 9), math.random(0, 999999999), math.random(1, 200))
  return wrk.format(nil, "/api/patients", nil, body)
end
