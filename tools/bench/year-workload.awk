# A year of monthly postings for tools/bench/year.sh, as JSON Lines: one file per month, DIR/month-MM.jsonl.
#
#   awk -v months=12 -v postings=1000000 -v items=1000 -v dir=PATH -f tools/bench/year-workload.awk
#
# As in a real year, receipts are mostly consumed: an item with stock on hand is issued about as often as it
# is received, and one holding more than 60 units is always issued, so the stock per item stays bounded
# and issues come close to receipts in quantity over the year. One receipt in fifty is a product receipt
# (physical only) invoiced 300 postings later, sometimes in the next month. Items of the seven valued models
# are defined once, in month 1; month m is dated 2026-m (days 1-28). A fixed-seed Park-Miller generator
# (exact in awk's doubles), so every awk writes the same files.

function rnd(bound) {
    seed = (seed * 16807) % 2147483647
    return seed % bound
}

BEGIN {
    if (months == "") months = 12
    if (postings == "") postings = 1000000
    if (items == "") items = 1000
    if (dir == "") dir = "."
    seed = 20260101
    split("fifo lifo lifo-date weighted-average weighted-average-date standard moving-average", models, " ")
    head = 1
    tail = 0
    written = 0
    for (m = 1; m <= months; m++) {
        file = sprintf("%s/month-%02d.jsonl", dir, m)
        printf "" > file
        if (m == 1) {
            for (i = 0; i < items; i++) {
                model = models[i % 7 + 1]
                standard = model == "standard" ? ",\"standard\":\"10.00\"" : ""
                printf "{\"command\":\"item\",\"item\":\"I%d\",\"model\":\"%s\",\"price\":\"10.00\"%s}\n", i, model,
                    standard > file
            }
        }
        for (p = 0; p < postings; p++) {
            date = sprintf("2026-%02d-%02d", m, 1 + int(p * 28 / postings))
            written++
            if (head <= tail && due[head] <= written) {
                printf "{\"command\":\"invoice\",\"date\":\"%s\",\"tx\":\"%s\",\"cost\":\"10.25\"}\n", date,
                    pending[head] > file
                delete pending[head]
                delete due[head]
                head++
                continue
            }
            item = rnd(items)
            qty = 1 + rnd(20)
            stock = onhand[item] + 0
            if (stock >= qty && (stock > 60 || rnd(2) == 0)) {
                onhand[item] = stock - qty
                printf "{\"command\":\"issue\",\"date\":\"%s\",\"item\":\"I%d\",\"tx\":\"S%d-%d\",\"qty\":\"%d\",\"site\":\"S1\"}\n",
                    date, item, m, p, qty > file
            } else {
                onhand[item] = stock + qty
                cents = 800 + rnd(500)
                physical = rnd(50) == 0
                tx = sprintf("R%d-%d", m, p)
                printf "{\"command\":\"receive\",\"date\":\"%s\",\"item\":\"I%d\",\"tx\":\"%s\",\"qty\":\"%d\",\"cost\":\"%d.%02d\",\"site\":\"S1\"%s}\n",
                    date, item, tx, qty, int(cents / 100), cents % 100, physical ? ",\"physical\":true" : "" > file
                if (physical) {
                    tail++
                    pending[tail] = tx
                    due[tail] = written + 300
                }
            }
        }
        close(file)
    }
}
