-- Refresh with rotation: every request sends the refresh token the previous response returned.
-- Run with as many threads as connections (-t N -c N): each thread is one chain, started from line
-- <thread number> of the file BENCH_TOKENS; BENCH_BODY is the rest of the form (grant type, client).
-- BENCH_ROTATE=0: each thread keeps sending its first token (one session per connection, rotation off).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("index", threads)
end

function init(args)
  local line = 0
  for token in io.lines(os.getenv("BENCH_TOKENS")) do
    line = line + 1
    if line == index then current = token end
  end
  prefix = os.getenv("BENCH_BODY")
  rotating = os.getenv("BENCH_ROTATE") ~= "0"
end

function request()
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" },
                    prefix .. "&refresh_token=" .. current)
end

function response(status, headers, body)
  if rotating and status == 200 then
    local token = body:match('"refresh_token":"([^"]+)"')
    if token then current = token end
  end
end
