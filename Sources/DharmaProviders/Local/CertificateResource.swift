import DharmaCore
import DharmaSecurity
import Foundation

/// `security.certificate` on the local provider: issued by Dharma's internal CA
/// (`.dharma/ca/`), written as `cert.pem` (the certificate, then the CA's) and `key.pem`
/// (mode 0600) under `.dharma/certificates/NAME/`. Apply keeps a certificate that is intact
/// and outside its renewal window, and issues a new one otherwise — that is how it renews.
struct CertificateResource {
    func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) throws -> [String: Value] {
        let spec = try Spec(resource.inputs, resource: resource.name)
        let directory = "\(context.stateDirectory)/certificates/\(ResourceAddress.flatName(of: resource.name))"
        let ca: InternalCA
        do {
            ca = try InternalCA.open(directory: context.stateDirectory + "/ca")
        } catch {
            throw ProviderError(resource: resource.name, error.description)
        }
        if let prior, prior.inputs["domains"] == resource.inputs["domains"], prior.inputs["keyAlgorithm"] == resource.inputs["keyAlgorithm"],
            Self.check(prior, ca: ca, renewBefore: spec.renewBefore).isEmpty
        {
            return prior.outputs
        }
        let issued: InternalCA.Issued
        do {
            issued = try ca.issue(domains: spec.domains, keyAlgorithm: spec.keyAlgorithm, validity: spec.validity)
        } catch {
            throw ProviderError(resource: resource.name, error.description)
        }
        let certificatePath = directory + "/cert.pem"
        let chain = issued.certificatePEM + "\n" + ca.certificatePEM + "\n"
        // The key first: a reader that sees the new certificate finds its key already there.
        try LocalPaths.writeAtomically(Data(issued.privateKeyPEM.utf8), to: directory + "/key.pem", mode: 0o600, resource: resource.name)
        try LocalPaths.writeAtomically(Data(chain.utf8), to: certificatePath, mode: 0o644, resource: resource.name)
        return [
            "certificatePath": .string(certificatePath), "keyPath": .string(directory + "/key.pem"), "caPath": .string(ca.certificatePath),
            "serial": .string(issued.serial), "notAfter": .string(Self.timestamp(issued.notAfter)),
            "sha256": .string(ContentHash.sha256(Data(chain.utf8))),
        ]
    }

    func refresh(_ state: ResourceState, context: ProviderContext) -> Observation {
        guard let path = state.outputs["certificatePath"]?.stringValue, FileManager.default.fileExists(atPath: path) else { return .missing }
        guard let ca = try? InternalCA.open(directory: context.stateDirectory + "/ca"), let spec = try? Spec(state.inputs, resource: state.name) else {
            return Observation(exists: true, drift: [])
        }
        return Observation(exists: true, drift: Self.check(state, ca: ca, renewBefore: spec.renewBefore))
    }

    func delete(_ state: ResourceState) throws {
        guard let path = state.outputs["certificatePath"]?.stringValue else { return }
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// What is wrong with a recorded certificate: its files changed, or it is (nearly) expired.
    /// `notAfter` drift is what the autopilot renews on.
    static func check(_ state: ResourceState, ca: InternalCA, renewBefore: Double, now: Date = Date()) -> [AttributeDiff] {
        guard let path = state.outputs["certificatePath"]?.stringValue, let keyPath = state.outputs["keyPath"]?.stringValue,
            let pem = try? String(contentsOfFile: path, encoding: .utf8)
        else {
            return [AttributeDiff(attribute: "certificate", old: .string("present"), new: .string("absent"))]
        }
        var drift: [AttributeDiff] = []
        if let recorded = state.outputs["sha256"]?.stringValue, recorded != ContentHash.sha256(Data(pem.utf8)) {
            drift.append(AttributeDiff(attribute: "certificate", old: .string("as issued"), new: .string("changed on disk")))
        }
        if !FileManager.default.fileExists(atPath: keyPath) {
            drift.append(AttributeDiff(attribute: "key", old: .string("present"), new: .string("absent")))
        }
        let (valid, notAfter) = ca.verify(pem, at: now)
        if !valid {
            drift.append(
                AttributeDiff(
                    attribute: "notAfter", old: .string("valid"), new: .string(notAfter.map { "expired \(timestamp($0))" } ?? "not issued by the internal CA")))
        } else if let notAfter, notAfter.timeIntervalSince(now) < renewBefore {
            let days = notAfter.timeIntervalSince(now) / 86_400
            drift.append(
                AttributeDiff(
                    attribute: "notAfter", old: .string("more than \(Int(renewBefore / 86_400)) days left"),
                    new: .string(String(format: "%.1f days left (expires %@)", days, timestamp(notAfter)))))
        }
        return drift
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    struct Spec {
        var domains: [String]
        var keyAlgorithm: InternalCA.KeyAlgorithm
        var validity: Double
        var renewBefore: Double

        init(_ inputs: [String: Value], resource: String) throws {
            domains = (inputs["domains"]?.listValue ?? []).compactMap(\.stringValue)
            guard !domains.isEmpty else { throw ProviderError(resource: resource, "`domains` must name at least one DNS name") }
            let algorithm = inputs["keyAlgorithm"]?.stringValue ?? "ec-p256"
            guard let key = InternalCA.KeyAlgorithm(rawValue: algorithm) else {
                throw ProviderError(
                    resource: resource,
                    "the internal CA issues \(InternalCA.KeyAlgorithm.allCases.map(\.rawValue).joined(separator: " and ")) "
                        + "keys, not \(algorithm)")
            }
            keyAlgorithm = key
            validity = Units.seconds(inputs["validity"] ?? .string("90d")) ?? 90 * 86_400
            renewBefore = Double(inputs["renewBeforeDays"]?.intValue ?? 30) * 86_400
            guard validity > renewBefore else {
                throw ProviderError(
                    resource: resource,
                    "`validity` (\(Int(validity / 86_400)) days) must be longer than `renewBeforeDays` "
                        + "(\(Int(renewBefore / 86_400))), or every certificate would be due for renewal as soon as it is issued")
            }
        }
    }
}
