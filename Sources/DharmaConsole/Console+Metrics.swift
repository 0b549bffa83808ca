import DharmaInsight
import DharmaService
import Foundation
import Hummingbird

struct MetricsView {
    struct Chart {
        var title: String
        var svg: String
        var model: String?
        var anomalies: Int
    }
    struct Row {
        var labels: String
        var value: String
        var samples: Int
    }
    struct Window {
        var value: String
        var selected: Bool
    }
    struct Example {
        var query: String
        var url: String
    }
    var organisation: String
    var query: String
    var windows: [Window]
    var error: String?
    var asked: Bool
    var rows: [Row]
    var charts: [Chart]
    /// Said when the query matched more series than are charted.
    var omitted: String?
    var examples: [Example]
}

/// The metric explorer: a query in the language `dharma metrics query` takes, over the
/// organisation's metrics store (what OTLP ingest and the supervisors wrote), with each
/// selected series charted with its forecast band and the anomalies the detector found.
extension Console {
    static let windows = ["15m", "1h", "6h", "24h", "7d"]
    static let exampleQueries = [
        "process_resident_memory_bytes", "rate(dharma_proxy_requests_total[5m])", "dharma_proxy_backend_up",
        "avg by (instance) (process_cpu_seconds_total)",
    ]

    func metricsPage(_ request: Request, _ organisation: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        let query = String((request.uri.queryParameters["query"].map(String.init) ?? "").prefix(500)).trimmingCharacters(in: .whitespaces)
        let requested = request.uri.queryParameters["since"].map(String.init) ?? "1h"
        let since = Self.windows.contains(requested) ? requested : "1h"
        let scope = try await tenants.organisationScope(organisation, .read, to: "query metrics")
        var view = MetricsView(
            organisation: organisation, query: query, windows: Self.windows.map { .init(value: $0, selected: $0 == since) }, error: nil,
            asked: !query.isEmpty, rows: [], charts: [], omitted: nil,
            examples: Self.exampleQueries.map {
                .init(
                    query: $0,
                    url: "/console/orgs/\(organisation)/metrics?since=1h&query=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            })
        guard !query.isEmpty else { return pages.render(.metrics, title: "Metrics", view) }
        do throws(ServiceError) {
            let explored = try await MetricsService(context: scope.context).explore(query, since: since, scope.selector)
            view.rows = explored.rows.map {
                .init(
                    labels: $0.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", "),
                    value: $0.value.isFinite ? SVGText.number($0.value) : "–", samples: $0.samples)
            }
            view.charts = explored.series.map { series in
                let chart = LineChartSVG(
                    title: series.key.description, samples: series.samples,
                    band: series.forecast.map { .init(start: $0.start, step: $0.step, mean: $0.mean, lower: $0.lower, upper: $0.upper) },
                    anomalies: series.alarms, from: explored.from, to: explored.to)
                return .init(title: series.key.description, svg: chart.render(), model: series.forecast?.model, anomalies: series.alarms.count)
            }
            if explored.omitted > 0 { view.omitted = "\(explored.omitted) more series matched; narrow the selector to chart them." }
        } catch {
            // A query that does not parse is the person's to fix: say why beside the box.
            guard case .invalidInput(let message, _, _, _) = error else { throw error }
            view.error = message
            return pages.render(.metrics, title: "Metrics", view, status: .unprocessableContent)
        }
        return pages.render(.metrics, title: "Metrics", view)
    }
}
