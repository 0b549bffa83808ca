import DharmaCore
import Testing

/// What AWS refuses at create time is refused at validate, naming the property to add.
@Suite("Blueprint validation: an application load balancer on aws")
struct LoadBalancerValidationTests {
    func blueprint(_ resources: String) -> BlueprintLoader.Result {
        load(
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: shop}
            target: {provider: aws, region: us-east-1}
            resources:
              vpc: {type: network.vpc, properties: {cidr: 10.0.0.0/16}}
              app-a: {type: network.subnet, properties: {vpc: "${vpc.id}", cidr: 10.0.1.0/24, zone: us-east-1a}}
              app-b: {type: network.subnet, properties: {vpc: "${vpc.id}", cidr: 10.0.2.0/24, zone: us-east-1b}}
              web1: {type: compute.vm, properties: {image: ubuntu-24.04, subnet: "${app-a.id}"}}
            \(resources)

            """)
    }

    func problems(_ result: BlueprintLoader.Result) -> [Diagnostic] {
        result.diagnostics.filter { $0.code == DiagnosticCode.cloudRequirement.rawValue }
    }

    @Test("HTTPS on 443 to VMs in one subnet: subnets in two zones and a certificate are asked for")
    func oneSubnetAndNoCertificate() {
        let result = blueprint(
            """
              web2: {type: compute.vm, properties: {image: ubuntu-24.04, subnet: "${app-a.id}"}}
              lb: {type: network.loadbalancer, properties: {port: 443, protocol: https, targets: ["${web1.id}", "${web2.id}"]}}
            """)
        let found = problems(result)
        #expect(found.count == 2, "\(found.map(\.message))")
        #expect(found.contains { $0.message.contains("at least two zones") && $0.message.contains("`app-a`") && $0.hint?.contains("subnets:") == true })
        #expect(found.contains { $0.message.contains("HTTPS listener") && $0.hint?.contains("certificate:") == true })
    }

    @Test("VMs in two zones and the blueprint's one certificate are enough")
    func derivedFromTargetsAndTheOnlyCertificate() {
        let result = blueprint(
            """
              web2: {type: compute.vm, properties: {image: ubuntu-24.04, subnet: "${app-b.id}"}}
              cert: {type: security.certificate, properties: {domains: [shop.example.com]}}
              lb: {type: network.loadbalancer, properties: {port: 443, protocol: https, targets: ["${web1.id}", "${web2.id}"]}}
            """)
        #expect(problems(result).isEmpty, "\(problems(result).map(\.message))")
    }

    @Test("listed subnets in one zone, or without a zone, are refused where the fix goes")
    func zones() {
        let sameZone = blueprint(
            """
              app-c: {type: network.subnet, properties: {vpc: "${vpc.id}", cidr: 10.0.3.0/24, zone: us-east-1a}}
              lb: {type: network.loadbalancer, properties: {protocol: http, subnets: ["${app-a.id}", "${app-c.id}"]}}
            """)
        #expect(
            problems(sameZone).map(\.message) == ["an application load balancer on aws needs subnets in at least two zones; all of `lb`'s are in us-east-1a"])
        #expect(problems(sameZone).first?.location?.line == 11)
        let noZone = blueprint(
            """
              app-c: {type: network.subnet, properties: {vpc: "${vpc.id}", cidr: 10.0.3.0/24}}
              lb: {type: network.loadbalancer, properties: {protocol: http, subnets: ["${app-a.id}", "${app-c.id}"]}}
            """)
        let missing = problems(noZone)
        #expect(missing.count == 1 && missing[0].message.hasPrefix("subnet `app-c`") && missing[0].location?.line == 10, "\(missing.map(\.message))")
    }

    @Test("a network load balancer and other clouds are not held to the ALB's rules")
    func onlyApplicationLoadBalancersOnAWS() {
        let result = blueprint("  lb: {type: network.loadbalancer, properties: {protocol: tcp, port: 5432, subnets: [\"${app-a.id}\"]}}")
        #expect(problems(result).isEmpty)
    }
}
