-- password_burst.lua — POST /api/auth/password with a wrong current password, each request as
-- the next of the signed-in users whose cookies are the lines of the file $COOKIES (one
-- "nd_session=..." a line), Origin $ORIGIN. Every wrong guess costs the server one argon2id
-- verification until that user is locked on this address (5 guesses), then a cheap 429: with
-- N users the burst hashes 5 × N times. No RESULT line: this is the load, not a measured row.
local cookies = {}
for line in io.lines(os.getenv("COOKIES")) do
  if line ~= "" then table.insert(cookies, line) end
end
local origin = os.getenv("ORIGIN")
local body = '{"current_password":"not-the-password-0","new_password":"copper kettle monsoon 42"}'
local i = 0

function init(args)
  i = math.random(#cookies)
end

function request()
  i = i % #cookies + 1
  return wrk.format("POST", "/api/auth/password", {
    ["Content-Type"] = "application/json", ["Origin"] = origin, ["Cookie"] = cookies[i],
  }, body)
end
