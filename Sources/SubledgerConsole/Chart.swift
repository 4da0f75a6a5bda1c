// An inline SVG line chart (no script): one point per day, a dashed vertical line at each close. The
// coordinates are drawing positions only; the figures themselves are in the table beside the chart.

import Subledger

struct LineChart {
    struct Point {
        var date: LedgerDate
        /// The exact figure (a decimal string), shown in the point's tooltip.
        var value: String
    }

    var title: String
    var points: [Point]
    var marks: [(date: LedgerDate, label: String)] = []
    /// A value over time is read against zero; an average is read by its changes, so its axis fits the
    /// figures (an average that moves from 17.95 to 18.05 would be a flat line on an axis from 0).
    var fromZero = true
    var width = 900.0
    var height = 260.0

    var svg: HTML {
        guard let first = points.first, let last = points.last else { return HTML("<p>No figures to chart yet.</p>") }
        let values = points.map { Double($0.value) ?? 0 }
        let (low, high) = axis(values)
        let start = Self.dayNumber(first.date)
        let span = max(Double(Self.dayNumber(last.date) - start), 1)
        let left = 90.0, right = 20.0, top = 16.0, bottom = 28.0
        func x(_ date: LedgerDate) -> Double {
            left + Double(Self.dayNumber(date) - start) / span * (width - left - right)
        }
        func y(_ value: Double) -> Double { top + (high - value) / (high - low) * (height - top - bottom) }
        var out = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        out += "width=\"\(Int(width))\" height=\"\(Int(height))\"><title>\(HTML.escape(title))</title>"
        for value in [low, (low + high) / 2, high] {
            out += "<text x=\"4\" y=\"\(Self.f(y(value) + 4))\">\(Self.label(value, fine: high - low < 10))</text>"
            out += "<line x1=\"\(Self.f(left))\" x2=\"\(Self.f(width - right))\" y1=\"\(Self.f(y(value)))\" "
            out += "y2=\"\(Self.f(y(value)))\" stroke=\"#e3e6ea\"/>"
        }
        for mark in marks where mark.date >= first.date && mark.date <= last.date {
            out += "<line class=\"close\" x1=\"\(Self.f(x(mark.date)))\" x2=\"\(Self.f(x(mark.date)))\" "
            out += "y1=\"\(Self.f(top))\" y2=\"\(Self.f(height - bottom))\">"
            out += "<title>\(HTML.escape(mark.label))</title></line>"
        }
        let path = zip(points, values).map { "\(Self.f(x($0.date))),\(Self.f(y($1)))" }.joined(separator: " ")
        out += "<polyline class=\"line\" points=\"\(path)\"/>"
        for (point, value) in zip(points, values).suffix(400) {
            out += "<circle cx=\"\(Self.f(x(point.date)))\" cy=\"\(Self.f(y(value)))\" r=\"2\" fill=\"#24588f\" "
            out += "data-exact=\"\(HTML.escape(point.value))\">"
            out += "<title>\(point.date): \(NumberText.grouped(point.value))</title></circle>"
        }
        out += "<text x=\"\(Self.f(left))\" y=\"\(Self.f(height - 8))\">\(first.date)</text>"
        out += "<text x=\"\(Self.f(width - right - 70))\" y=\"\(Self.f(height - 8))\">\(last.date)</text>"
        return HTML(out + "</svg>")
    }

    /// The value axis: from zero (or below, for negative figures), or fitted with a tenth of the range free
    /// above and below.
    private func axis(_ values: [Double]) -> (low: Double, high: Double) {
        let lowest = values.min() ?? 0, highest = values.max() ?? 0
        if fromZero { return (min(lowest, 0), max(highest, min(lowest, 0) + 1)) }
        let pad = max((highest - lowest) / 10, abs(highest) / 200, 0.01)
        return (lowest - pad, highest + pad)
    }

    /// An axis label: whole units with thousands separators, or two decimals on a narrow axis.
    static func label(_ value: Double, fine: Bool) -> String {
        guard fine else { return NumberText.grouped(String(Int(value.rounded()))) }
        let cents = Int((value * 100).rounded())
        let digits = String(cents.magnitude % 100)
        return (cents < 0 ? "-" : "") + "\(cents.magnitude / 100)." + (digits.count == 1 ? "0" : "") + digits
    }

    static func f(_ value: Double) -> String { String(Int((value * 10).rounded())).insertingDecimal() }

    /// Days since 1970-01-01 (proleptic Gregorian), for spacing the points by time.
    static func dayNumber(_ date: LedgerDate) -> Int {
        let y = date.month <= 2 ? date.year - 1 : date.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (date.month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    /// `"1234"` (tenths) as `"123.4"`.
    fileprivate func insertingDecimal() -> String {
        let negative = hasPrefix("-")
        var digits = negative ? String(dropFirst()) : self
        while digits.count < 2 { digits = "0" + digits }
        return (negative ? "-" : "") + digits.dropLast() + "." + digits.suffix(1)
    }
}
