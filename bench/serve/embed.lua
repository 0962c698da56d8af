-- wrk script for bench/run-serve.sh: each request POSTs one real sentence (the next line of the sentences file,
-- round robin per thread) to /v1/embeddings, and done() prints one JSON line with the throughput and latencies.
-- Usage: wrk ... -s bench/serve/embed.lua http://HOST:PORT -- SENTENCES_FILE MODEL

local sentences = {}
local model = "all-MiniLM-L6-v2"
local counter = 0

local function json_string(s)
  s = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == '\\' then return '\\\\' end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

function init(args)
  local path = args[1] or error("give the sentences file after --")
  model = args[2] or model
  for line in io.lines(path) do
    local text = line:match("^%s*(.-)%s*$")
    if #text > 0 then
      sentences[#sentences + 1] = text
    end
  end
  if #sentences == 0 then error("no sentences in " .. path) end
  -- Threads start at different offsets so they do not send the same sentence at once.
  counter = math.random(#sentences)
end

function request()
  counter = counter % #sentences + 1
  local body = '{"model":' .. json_string(model) .. ',"input":' .. json_string(sentences[counter]) .. '}'
  return wrk.format("POST", "/v1/embeddings", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.2f,"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
