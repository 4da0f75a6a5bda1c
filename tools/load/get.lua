-- wrk script: GET one transaction with its events, voucher lines and settlements, cycling over LOAD_TXS
-- (comma-separated transaction ids that exist in the ledger).

local threads = {}

function setup(thread) table.insert(threads, thread) end

function init(args)
    txs = {}
    for tx in string.gmatch(os.getenv("LOAD_TXS") or "R2", "[^,]+") do table.insert(txs, tx) end
    index = 0
    failed = 0
    local token = os.getenv("LOAD_TOKEN")
    if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
    index = index % #txs + 1
    return wrk.format("GET", "/v1/transactions/" .. txs[index])
end

function response(status, headers, body)
    if status ~= 200 then
        failed = failed + 1
        if failed <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
    end
end

function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + (thread:get("failed") or 0) end
    io.write(string.format("non-200 responses: %d\n", total))
    for _, p in ipairs({ 50, 99 }) do
        io.write(string.format("latency p%d: %.3f ms\n", p, latency:percentile(p) / 1000))
    end
end
