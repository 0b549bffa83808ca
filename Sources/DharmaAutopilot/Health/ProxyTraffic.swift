import DharmaCore
import DharmaNet
import DharmaProxy
import Foundation

/// Requests and failures counted by the proxies in front of a stack's services.
public enum ProxyTraffic {
    public static func observe(_ recorded: StackState) -> HealthScore.Traffic? {
        var traffic: HealthScore.Traffic?
        for state in recorded.resources.values {
            guard let admin = state.outputs["proxy"]?.mapValue?["adminPort"]?.intValue,
                let answer = LoopbackHTTP.get(port: admin, path: "/status", timeout: 1), answer.status == 200,
                let status = try? JSONDecoder().decode(ProxyStatus.self, from: Data(answer.body.utf8))
            else { continue }
            traffic = HealthScore.Traffic(requests: (traffic?.requests ?? 0) + status.requests, failures: (traffic?.failures ?? 0) + status.failures)
        }
        return traffic
    }
}
