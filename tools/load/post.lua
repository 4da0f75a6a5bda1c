-- wrk script: every request posts ONE command with a unique id (Idempotency-Key) and a unique transaction:
-- receipts and issues of one unit, alternating, on items that hold stock in the benchmark ledger.
-- Each wrk thread numbers its own requests; the thread number and a run tag keep ids unique across threads
-- and runs on the same ledger.

local threads = {}
local counter = 1

function setup(thread)
    thread:set("thread_number", counter)
    thread:set("run_tag", os.getenv("LOAD_RUN_TAG") or tostring(os.time()))
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    sequence = 0
    items = tonumber(os.getenv("LOAD_ITEMS") or "1000")
    date = os.getenv("LOAD_DATE") or "2026-02-02"
    prefix = "L" .. run_tag .. "t" .. thread_number .. "n"
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    local token = os.getenv("LOAD_TOKEN")
    if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
    rejected = 0
end

function request()
    sequence = sequence + 1
    local id = prefix .. sequence
    local item = "I" .. ((sequence * 7 + thread_number) % items)
    local body
    if sequence % 2 == 1 then
        body = string.format(
            '{"command":"receive","date":"%s","item":"%s","tx":"%s","qty":"2","cost":"10.00","site":"S1"}',
            date, item, id)
    else
        body = string.format(
            '{"command":"issue","date":"%s","item":"%s","tx":"%s","qty":"1","site":"S1"}', date, item, id)
    end
    wrk.headers["Idempotency-Key"] = id
    return wrk.format(nil, "/v1/commands", nil, body)
end

function response(status, headers, body)
    if status >= 300 then
        rejected = rejected + 1
        if rejected <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
    end
end

function done(summary, latency, requests)
    local failed = 0
    for _, thread in ipairs(threads) do failed = failed + (thread:get("rejected") or 0) end
    io.write(string.format("non-2xx responses: %d\n", failed))
    for _, p in ipairs({ 50, 99 }) do
        io.write(string.format("latency p%d: %.2f ms\n", p, latency:percentile(p) / 1000))
    end
end
