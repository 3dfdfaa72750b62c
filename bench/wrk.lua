-- Rotates over request paths (and bodies) from files; prints one JSON line of results.
-- BENCH_PATHS: file of paths, one a line. BENCH_BODIES: optional file of bodies, one a line.
-- BENCH_METHOD (default GET), BENCH_AUTH: the Authorization header.
local paths = {}
local bodies = {}
local counter = 0
local method = os.getenv("BENCH_METHOD") or "GET"

init = function(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  local body_file = os.getenv("BENCH_BODIES")
  if body_file and #body_file > 0 then
    for line in io.lines(body_file) do
      if #line > 0 then bodies[#bodies + 1] = line end
    end
  end
  local auth = os.getenv("BENCH_AUTH")
  if auth and #auth > 0 then wrk.headers["Authorization"] = auth end
  if #bodies > 0 then wrk.headers["Content-Type"] = "application/json" end
end

request = function()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  if #bodies > 0 then
    return wrk.format(method, path, nil, bodies[(counter % #bodies) + 1])
  end
  return wrk.format(method, path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, '
    .. '"socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
