-- Loads a fixed number of records (env BENCH_RECORDS, default 10000) with ids r00000, r00001, …
-- Each thread creates the ids congruent to its number modulo BENCH_THREADS, then stops.
local total = tonumber(os.getenv("BENCH_RECORDS") or "10000")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local auth = "Bearer " .. os.getenv("STACK_TOKEN")
local next_index, answered, mine

function init(args)
   next_index = wrk.thread:get("tid")
   -- wrk calls request() once on the first thread before the run and never sends that request:
   -- give that call a throw-away index so that r00000 is still created.
   if next_index == 0 then next_index = -nthreads end
   mine = 0
   for i = next_index, total - 1, nthreads do mine = mine + 1 end
   answered = 0
end

local filler = string.rep("lorem ipsum dolor sit amet ", 6)

function request()
   if next_index < 0 or next_index >= total then
      next_index = next_index + nthreads
      return wrk.format("GET", "/health", { ["Authorization"] = auth })
   end
   local id = string.format("r%05d", next_index)
   next_index = next_index + nthreads
   local body = string.format(
      '{"type":"bench.note","id":"%s","content":{"title":"Record %s","body":"%s","tags":["bench","load"],"priority":%d,"done":false}}',
      id, id, filler, next_index % 5)
   return wrk.format("POST", "/records",
      { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
   bench_count(status)
   answered = answered + 1
   if answered >= mine then wrk.thread:stop() end
end
