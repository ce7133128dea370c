-- Safety updates from wrk's connections (bench/safety_load.py, run_wrk): each request is a
-- fresh update with a unique idempotency key for a person of a random supporter account, sent
-- with that account's API token; a share are deliberate re-sends of an update sent before
-- (same key, same content), possibly still in flight on another connection. Every update
-- sent and every answer is written to a log per wrk thread, so that the bench can re-send
-- what was in flight when wrk stopped (as a phone re-sends until answered) and compare the
-- acknowledged keys with the stored ones. ALL data is synthetic.
--
--   wrk ... -s bench/safety_wrk.lua http://127.0.0.1:PORT -- ACCOUNTS.lua LOG_PREFIX RESEND_SHARE

local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
end

function init(args)
  dofile(args[1])  -- defines `campaign` and `accounts` ({token = …, people = {…}})
  resend = tonumber(args[3]) or 0.05
  math.randomseed(os.time() * 1000 + id * 7919)
  log = io.open(args[2] .. id .. ".log", "w")
  log:setvbuf("line")  -- wrk exits without closing: nothing may stay in a buffer
  prefix = string.format("wrk%02d-%08x", id, math.random(0, 0x7fffffff))
  sent = 0
  path = "/api/v1/disaster/campaigns/" .. campaign .. "/updates"
  statuses = {"safe", "needs_help", "not_home", "evacuated", "unknown"}
end

function request()
  local account, body
  if last_body and math.random() < resend then
    account, body = last_account, last_body
    last_body = nil
  else
    sent = sent + 1
    account = math.random(#accounts)
    local people = accounts[account].people
    local status = statuses[math.random(#statuses)]
    body = string.format(
      '{"idempotency_key":"%s-%09d","person":%d,"status":"%s","evacuated_to":"%s",' ..
      '"note":"","observed_at":"%s"}',
      prefix, sent, people[math.random(#people)], status,
      status == "evacuated" and "合成 避難所" or "", os.date("!%Y-%m-%dT%H:%M:%S+00:00"))
    last_account, last_body = account, body
    log:write("S\t", account, "\t", body, "\n")
  end
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. accounts[account].token,
    ["Accept-Language"] = "ja",
  }, body)
end

function response(status, headers, body)
  log:write("A\t", status, "\t", string.match(body, '"idempotency_key": *"([^"]+)"') or "-", "\n")
end
