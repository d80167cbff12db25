-- wrk script for bench/ingest.sh: every request POSTs a batch of 20 unique
-- track events (SDK-shaped: properties, context with page, campaign,
-- library) to /v1/batch. messageIds are unique per thread and run, so every
-- event is a real insert, never a duplicate.
-- INGEST_TARGETS="host:port host:port" (bench/ingest.sh with two
-- collectors): wrk's threads take these addresses in turn, so the
-- connections are split evenly between the collectors.
local threads = {}
local BATCH = 20
local targets = {}
for target in (os.getenv("INGEST_TARGETS") or ""):gmatch("%S+") do table.insert(targets, target) end

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
  if #targets > 1 then
    local host, port = targets[(#threads - 1) % #targets + 1]:match("^(.*):(%d+)$")
    thread.addr = wrk.lookup(host, port)[1]
  end
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  prefix = string.format("%08x-%04x-4%03x-8%03x-", math.random(0, 0x7fffffff), tid, math.random(0, 4095), math.random(0, 4095))
  counter = 0
  headers = { ["Content-Type"] = "text/plain;charset=UTF-8" }
  local names = { "scroll_depth", "video_progress", "form_start", "outbound_click", "element_visible" }
  head = {}
  for i, name in ipairs(names) do
    head[i] = '{"type":"track","event":"' .. name .. '","messageId":"' .. prefix
  end
  tail = '","anonymousId":"1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed","timestamp":"2026-11-27T10:00:00.123Z",'
    .. '"properties":{"percent":50,"form_id":"newsletter","href":"https://www.trustpilot.com/review/fjordbrew.example"},'
    .. '"context":{"library":{"name":"microtrack","version":"0.1.0"},'
    .. '"page":{"url":"https://fjordbrew.example/?utm_source=newsletter","path":"/","search":"?utm_source=newsletter",'
    .. '"title":"Fjordbrew - the smart grinder","referrer":""},'
    .. '"campaign":{"source":"newsletter","medium":"email","name":"nov"},'
    .. '"sessionId":"5d1c6f8e-1111-4222-8333-944455556666",'
    .. '"userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",'
    .. '"locale":"en-GB","timezone":"Europe/Oslo","screen":{"width":1280,"height":720}}}'
end

function request()
  local parts = {}
  for i = 1, BATCH do
    counter = counter + 1
    parts[i] = head[(counter % #head) + 1] .. string.format("%012x", counter) .. tail
  end
  local body = '{"sentAt":"2026-11-27T10:00:05.000Z","writeKey":"bench","batch":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/v1/batch", headers, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d failed=%d seconds=%.2f requests_per_s=%.0f events_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, failed, seconds, summary.requests / seconds, summary.requests * BATCH / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
