// The server's Prometheus metrics (issue 12: commands and rejections by code, request latency per route,
// the last sequence, the open state's size), in one `PrometheusCollectorRegistry` per server. Label values
// come from bounded sets only (route templates, command kinds, stable codes), never from request text.

import Prometheus
import Subledger

public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Request latency buckets: from the sub-millisecond reads to a long close.
    static let buckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
    ]

    static var commands: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "subledger", metricName: "commands", unitName: "total",
            helpText: "Commands accepted (events appended), by kind.")
    }
    static var rejections: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "subledger", metricName: "command_rejections", unitName: "total",
            helpText: "Commands refused, by stable code; a refused command writes nothing.")
    }
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "subledger", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time to answer a request, by route template and method (a stream: until its headers).")
    }
    static var lastSequence: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "subledger", metricName: "last_sequence", unitName: "",
            helpText: "Sequence of the newest event in the log.")
    }
    static var openTransactions: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "subledger", metricName: "open_transactions", unitName: "",
            helpText: "Transactions held in memory (the open state; closed ones live in history).")
    }

    public init() {}

    /// A command (or batch, close, recalculation, reversal) whose events were appended.
    public func commandAccepted(kind: String) {
        registry.makeCounter(descriptor: Self.commands, labels: [("kind", kind)]).increment()
    }

    /// A command refused with a stable code (`period-closed`, `malformed`, ...).
    public func commandRejected(code: String) {
        registry.makeCounter(descriptor: Self.rejections, labels: [("code", code)]).increment()
    }

    /// One request answered.
    func requestAnswered(route: String, method: String, after duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.requests, labels: [("route", route), ("method", method)], buckets: Self.buckets
        ).record(duration)
    }

    /// The ledger's figures, read when scraped.
    func ledger(lastSequence: Int64, openTransactions: Int) {
        registry.makeGauge(descriptor: Self.lastSequence).set(lastSequence)
        registry.makeGauge(descriptor: Self.openTransactions).set(Int64(openTransactions))
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func text() -> String { registry.emitToString() }
}
