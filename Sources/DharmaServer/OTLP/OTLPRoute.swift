import DharmaInsight
import DharmaService
import Foundation
import Hummingbird
import NIOCore

/// OTLP/HTTP metrics ingest at `POST /otlp/v1/metrics`, so an OpenTelemetry SDK or collector
/// exports to Dharma with `OTEL_EXPORTER_OTLP_ENDPOINT=SERVER/otlp`: protobuf
/// (`application/x-protobuf`, the SDKs' default) or JSON. Gauges and sums become series in the
/// organisation's metrics store, resource and point attributes their labels. The organisation
/// is the `X-Dharma-Org` header's, else the `dharma.organisation` resource attribute's, else
/// the caller's only one; writing takes the plan permission there.
struct OTLPRoute: Sendable {
    static let maxBodyBytes = 4 << 20

    let tenants: @Sendable (Principal) -> TenantService

    func register(on router: Router<BasicRequestContext>) {
        router.post("otlp/v1/metrics") { request, _ in
            guard let principal = RequestPrincipal.current else {
                return AuthenticationMiddleware<BasicRequestContext>.unauthorised(request, "this call needs `Authorization: Bearer TOKEN`")
            }
            let body = Data(buffer: try await request.body.collect(upTo: Self.maxBodyBytes))
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let protobuf = contentType.hasPrefix("application/x-protobuf") || contentType.hasPrefix("application/protobuf")
            let decoded: (result: MetricImport.Result, organisation: String?)
            do {
                decoded = protobuf ? try Self.decode(protobuf: body) : try Self.decode(json: body)
            } catch {
                return ProblemDocument(status: .badRequest, code: "invalid-otlp", detail: "\(error)", instance: request.uri.path).response()
            }
            let organisation =
                request.headers.first { $0.name.canonicalName == "x-dharma-org" }?.value ?? decoded.organisation
                ?? (principal.memberships.count == 1 ? principal.memberships.keys.first : nil)
            guard let organisation else {
                return ProblemDocument(
                    status: .badRequest, code: "invalid-otlp",
                    detail: "name the organisation: an X-Dharma-Org header (OTEL_EXPORTER_OTLP_HEADERS) or a dharma.organisation resource attribute",
                    instance: request.uri.path
                ).response()
            }
            do {
                let scope = try await tenants(principal).organisationScope(organisation, .plan, to: "write metrics")
                let imported = try await MetricsService(context: scope.context).ingest(decoded.result, into: scope.selector)
                let rejected = imported.rejected + decoded.result.problems.count
                return try Self.answer(rejected: rejected, problems: decoded.result.problems.map(\.message), protobuf: protobuf)
            } catch let error as ServiceError {
                let (status, code) = ProblemDocument.classify(error)
                return ProblemDocument(status: status, code: code, detail: error.description, instance: request.uri.path).response()
            }
        }
    }

    static func decode(json body: Data) throws -> (MetricImport.Result, String?) {
        let object = try JSONSerialization.jsonObject(with: body)
        let result = MetricImport.otlp(object, labels: [:])
        if result.samples.isEmpty, let problem = result.problems.first, problem.message.contains("resourceMetrics") {
            throw ServiceError.invalidInput(problem.message)
        }
        let organisation = result.samples.lazy.compactMap { $0.0.labels["dharma_organisation"] }.first
        return (result, organisation)
    }

    /// An `ExportMetricsServiceRequest` (opentelemetry-proto's collector/metrics/v1), by the
    /// protocol's field numbers: resource_metrics 1 → resource 1 (attributes 1) and
    /// scope_metrics 2 → metrics 2 → name 1, gauge 5 or sum 7 → data_points 1 → attributes 7,
    /// time_unix_nano 3, as_double 4, as_int 6. Other fields (histograms among them) are skipped.
    static func decode(protobuf body: Data) throws -> (MetricImport.Result, String?) {
        var result = MetricImport.Result()
        var organisation: String?
        try ProtobufReader.fields(ArraySlice(body)) { field, wire, reader in
            guard field == 1, wire == .lengthDelimited else { return try reader.skip(wire) }
            var resourceLabels: [String: String] = [:]
            var scopes: [ArraySlice<UInt8>] = []
            try ProtobufReader.fields(try reader.lengthDelimited()) { field, wire, reader in
                switch (field, wire) {
                case (1, .lengthDelimited):
                    try ProtobufReader.fields(try reader.lengthDelimited()) { field, wire, reader in
                        guard field == 1, wire == .lengthDelimited else { return try reader.skip(wire) }
                        let (key, value) = try keyValue(try reader.lengthDelimited())
                        if key == "dharma.organisation", organisation == nil { organisation = value }
                        if let value { resourceLabels[MetricImport.sanitise(key)] = value }
                    }
                case (2, .lengthDelimited): scopes.append(try reader.lengthDelimited())
                default: try reader.skip(wire)
                }
            }
            // Scopes after the resource: a sender may write the resource last.
            for scope in scopes {
                try ProtobufReader.fields(scope) { field, wire, reader in
                    guard field == 2, wire == .lengthDelimited else { return try reader.skip(wire) }
                    try metric(try reader.lengthDelimited(), labels: resourceLabels, into: &result)
                }
            }
        }
        return (result, organisation)
    }

    private static func metric(_ bytes: ArraySlice<UInt8>, labels: [String: String], into result: inout MetricImport.Result) throws {
        var name = ""
        var points: [ArraySlice<UInt8>] = []
        var other = false
        try ProtobufReader.fields(bytes) { field, wire, reader in
            switch (field, wire) {
            case (1, .lengthDelimited): name = try reader.string()
            case (5, .lengthDelimited), (7, .lengthDelimited):
                try ProtobufReader.fields(try reader.lengthDelimited()) { field, wire, reader in
                    guard field == 1, wire == .lengthDelimited else { return try reader.skip(wire) }
                    points.append(try reader.lengthDelimited())
                }
            case (9, _), (10, _), (11, _):
                other = true
                try reader.skip(wire)
            default: try reader.skip(wire)
            }
        }
        if other { result.problems.append(.init(line: 1, message: "`\(name)` is a histogram or summary; only gauges and sums are kept")) }
        for point in points {
            var time: UInt64 = 0
            var value: Double?
            var pointLabels = labels
            try ProtobufReader.fields(point) { field, wire, reader in
                switch (field, wire) {
                case (3, .fixed64): time = try reader.fixed64()
                case (4, .fixed64): value = Double(bitPattern: try reader.fixed64())
                case (6, .fixed64): value = Double(Int64(bitPattern: try reader.fixed64()))
                case (7, .lengthDelimited):
                    let (key, text) = try keyValue(try reader.lengthDelimited())
                    if let text { pointLabels[MetricImport.sanitise(key)] = text }
                default: try reader.skip(wire)
                }
            }
            guard let value, time > 0 else {
                result.problems.append(.init(line: 1, message: "a data point of `\(name)` has no time or value"))
                continue
            }
            result.samples.append((SeriesKey(name: MetricImport.sanitise(name), labels: pointLabels), Sample(time: Int64(time / 1_000_000), value: value)))
        }
    }

    /// A `KeyValue` (key 1, AnyValue 2: string 1, bool 2, int 3, double 4) as text.
    private static func keyValue(_ bytes: ArraySlice<UInt8>) throws -> (String, String?) {
        var key = ""
        var text: String?
        try ProtobufReader.fields(bytes) { field, wire, reader in
            switch (field, wire) {
            case (1, .lengthDelimited): key = try reader.string()
            case (2, .lengthDelimited):
                try ProtobufReader.fields(try reader.lengthDelimited()) { field, wire, reader in
                    switch (field, wire) {
                    case (1, .lengthDelimited): text = try reader.string()
                    case (2, .varint): text = try reader.varint() != 0 ? "true" : "false"
                    case (3, .varint): text = String(Int64(bitPattern: try reader.varint()))
                    case (4, .fixed64): text = String(Double(bitPattern: try reader.fixed64()))
                    default: try reader.skip(wire)
                    }
                }
            default: try reader.skip(wire)
            }
        }
        return (key, text)
    }

    /// OTLP's success answer, in the request's encoding; rejected points as a partial success.
    static func answer(rejected: Int, problems: [String], protobuf: Bool) throws -> Response {
        if protobuf {
            // ExportMetricsServiceResponse: partial_success 1 → rejected_data_points 1, error_message 2.
            var response = ProtobufWriter()
            if rejected > 0 {
                var partial = ProtobufWriter()
                partial.field(1, varint: UInt64(rejected))
                partial.field(2, bytes: Array((problems.first ?? "some points were out of order or not finite").utf8))
                response.field(1, bytes: partial.bytes)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: response.bytes)))
        }
        let object: [String: Any] =
            rejected > 0
            ? ["partialSuccess": ["rejectedDataPoints": String(rejected), "errorMessage": problems.first ?? "some points were out of order or not finite"]]
            : [:]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
