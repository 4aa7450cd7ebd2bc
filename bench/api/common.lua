-- Shared by every bench/api.sh scenario (prepended to each script by bench/api.sh).
-- Counts non-2xx answers per status in each thread and prints, from done(), one machine-readable
-- line: "RESULT rps=… p50_us=… p99_us=… requests=… non2xx=… errors=… statuses=…".
local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

non2xx = 0
statuses = {}

local function count(status)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
end

-- Scenario scripts call this from their own response() when they define one.
bench_count = count

function response(status, headers, body)
   count(status)
end

function done(summary, latency, requests)
   local bad, byStatus = 0, {}
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
      for status, n in pairs(thread:get("statuses") or {}) do
         byStatus[status] = (byStatus[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(byStatus) do table.insert(parts, status .. "x" .. n) end
   local e = summary.errors
   io.write(string.format("RESULT rps=%.0f p50_us=%d p99_us=%d requests=%d non2xx=%d errors=%d statuses=%s\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
      summary.requests, bad, e.connect + e.read + e.write + e.timeout,
      #parts > 0 and table.concat(parts, ",") or "-"))
end
