-- wrk: every request carries the session of the next of the logged-in members (bench/pages.py writes the list).
local sessions = {}
local next_index = 1

function init(args)
  for line in io.lines(os.getenv("BENCH_SESSIONS")) do sessions[#sessions + 1] = line end
  next_index = math.random(#sessions)
end

function request()
  next_index = next_index % #sessions + 1
  return wrk.format("GET", nil, { ["Cookie"] = "sessionid=" .. sessions[next_index] })
end
