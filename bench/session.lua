-- wrk script for the signed-in targets: a browser with one session. It sends the cookies it was given
-- (BENCH_COOKIE) and, as a browser does, keeps any cookie the portal sets from then on: Identity renews
-- the sign-in cookie when it re-checks the account (once a minute), and a client that kept sending the
-- old one would make every request repeat that check.
local cookies, names = {}, {}

local function set(name, value)
  if cookies[name] == nil then names[#names + 1] = name end
  cookies[name] = value
end

local function header()
  local parts = {}
  for _, name in ipairs(names) do parts[#parts + 1] = name .. "=" .. cookies[name] end
  return table.concat(parts, "; ")
end

for name, value in string.gmatch(os.getenv("BENCH_COOKIE") or "", "%s*([^=;]+)=([^;]*)") do set(name, value) end
local current = header()

function request()
  return wrk.format(nil, nil, { ["Cookie"] = current })
end

function response(status, headers, body)
  local cookie = headers["Set-Cookie"]
  if cookie then
    local name, value = string.match(cookie, "^%s*([^=;]+)=([^;]*)")
    if name then
      set(name, value)
      current = header()
    end
  end
end
