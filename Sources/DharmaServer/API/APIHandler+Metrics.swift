import DharmaAPI
import DharmaInsight
import DharmaService
import Foundation
import OpenAPIRuntime

/// Queries over an organisation's metrics store: what OTLP ingest and the supervisors wrote.
extension APIHandler {
    func queryMetrics(_ input: Operations.QueryMetrics.Input) async throws -> Operations.QueryMetrics.Output {
        await respond(Operations.QueryMetrics.Output.default) { () throws(ServiceError) in
            let scope = try await tenants().organisationScope(input.path.org, .read, to: "query metrics")
            let rows: [MetricQuery.Row]
            do throws(ServiceError) {
                rows = try await MetricsService(context: scope.context).query(input.query.query, since: input.query.since ?? "1h", until: nil, scope.selector)
            } catch {
                // A query or duration that does not parse is well-formed text, not a malformed request.
                guard case .invalidInput(let message, _, _, _) = error else { throw error }
                throw .unprocessable(message, pointer: "/query")
            }
            return .ok(
                .init(
                    body: .json(
                        .init(
                            rows: rows.map {
                                .init(labels: .init(additionalProperties: $0.labels), value: $0.value.isFinite ? $0.value : nil, samples: $0.samples)
                            }))))
        }
    }
}
