-- wrk: POSTs as many members, one token each (a member answers a survey once).
-- Thread i takes every n-th token of BENCH_TOKENS; BENCH_BODY holds the JSON body;
-- BENCH_KEYED=1 adds a fresh Idempotency-Key to each request. A token used twice
-- answers 409, which the run reports as non-2xx: give the bench more members.
local tokens = {}
local index = 0
local body = ""
local keyed = false
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
end

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS"))
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line_number % threads == id then tokens[#tokens + 1] = line end
    line_number = line_number + 1
  end
  local file = io.open(os.getenv("BENCH_BODY"))
  body = file:read("*a")
  file:close()
  keyed = os.getenv("BENCH_KEYED") == "1"
end

function request()
  index = index % #tokens + 1
  local headers = { ["Authorization"] = "Token " .. tokens[index], ["Content-Type"] = "application/json" }
  if keyed then headers["Idempotency-Key"] = "bench-" .. id .. "-" .. index end
  return wrk.format("POST", nil, headers, body)
end
