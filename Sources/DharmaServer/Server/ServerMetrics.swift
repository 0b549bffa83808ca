import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// The server's own metrics in Prometheus text at `/metrics`: requests and their latency per
/// route (Hummingbird's metrics middleware), run durations and outcomes, and the run queue's
/// depth. Scraping needs a server administrator's token, as Prometheus's `authorization`
/// setting sends it.
enum ServerMetrics {
    /// The process's registry; swift-metrics takes one factory per process, so the first
    /// server in a process installs it.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("metrics") { request, _ in
            guard RequestPrincipal.current?.serverAdmin == true else {
                return ProblemDocument(
                    status: .forbidden, code: "forbidden", detail: "/metrics is for server administrators", instance: request.uri.path
                ).response()
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
