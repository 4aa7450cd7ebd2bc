-- POST /records, the same ~300-byte record each time (a new id is assigned by the server).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"bench.note","content":{"title":"Benchmark record","body":"' ..
   string.rep("lorem ipsum dolor sit amet ", 6) .. '","tags":["bench","create"],"priority":3,"done":false}}'
