-- wrk script for scripts/load.sh: a mix of preflights and actual requests against the tasks
-- example, with every response checked (status and Access-Control-Allow-Origin).
--
-- Mix (one of each, in turn, per connection):
--   1. preflight OPTIONS /tasks/1 (PUT, content-type + authorization) from the frontend -> 204 + ACAO
--   2. credentialed PUT /tasks/1 (bearer token, JSON)                                  -> 200 + ACAO
--   3. credentialed GET /tasks                                                         -> 200 + ACAO
--   4. public GET /public/health from any origin                                       -> 200 + ACAO *
--   5. preflight from a disallowed origin                                              -> 403, no ACAO
-- Anything else counts as an error.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local frontend = os.getenv("LOAD_FRONTEND_ORIGIN") or "http://localhost:3000"
  ok, bad, rejected = 0, 0, 0
  i = 0
  reqs = {
    wrk.format("OPTIONS", "/tasks/1", {
      ["Origin"] = frontend,
      ["Access-Control-Request-Method"] = "PUT",
      ["Access-Control-Request-Headers"] = "authorization,content-type",
    }),
    wrk.format("PUT", "/tasks/1", {
      ["Origin"] = frontend,
      ["Authorization"] = "Bearer demo-token",
      ["Content-Type"] = "application/json",
    }, '{"title":"Try cors-runtime","done":false}'),
    wrk.format("GET", "/tasks", {
      ["Origin"] = frontend,
      ["Authorization"] = "Bearer demo-token",
    }),
    wrk.format("GET", "/public/health", { ["Origin"] = "https://anyone.example" }),
    wrk.format("OPTIONS", "/tasks/1", {
      ["Origin"] = "https://evil.example.net",
      ["Access-Control-Request-Method"] = "PUT",
    }),
  }
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body)
  local acao = headers["access-control-allow-origin"] or headers["Access-Control-Allow-Origin"]
  if (status == 200 or status == 204) and acao ~= nil then
    ok = ok + 1
  elseif status == 403 and acao == nil then
    rejected = rejected + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, total_rejected = 0, 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
    total_rejected = total_rejected + t:get("rejected")
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format("LOAD requests=%d duration_s=%.1f rps=%.0f p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99)))
  io.write(string.format("LOAD ok=%d rejected_as_expected=%d wrong=%d socket_errors=%d non2xx3xx=%d\n",
    total_ok, total_rejected, total_bad, socket, e.status))
end
