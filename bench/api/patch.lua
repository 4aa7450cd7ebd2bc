-- PATCH /records/rNNNNN with an RFC 7396 merge patch on one of 16 keys, cycling over the first
-- BENCH_RECORDS records; the two threads start half-way apart so they rarely touch the same record.
local total = tonumber(os.getenv("BENCH_RECORDS") or "10000")
local auth = "Bearer " .. os.getenv("STACK_TOKEN")
local n

function init(args)
   n = wrk.thread:get("tid") * math.floor(total / 2)
end

function request()
   n = n + 1
   local path = string.format("/records/r%05d", n % total)
   local body = string.format('{"k%d":%d,"done":%s}', n % 16, n, (n % 2 == 0) and "true" or "false")
   return wrk.format("PATCH", path,
      { ["Authorization"] = auth, ["Content-Type"] = "application/merge-patch+json" }, body)
end
