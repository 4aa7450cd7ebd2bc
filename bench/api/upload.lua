-- POST /attachments with a 1 MiB body (the same bytes each time: the store keeps one blob for them).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.body = string.rep("0123456789abcdef", 65536)
