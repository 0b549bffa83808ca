import DharmaCore
import DharmaSecurity
import Foundation
import Testing

@testable import DharmaProviders

/// Certificates from the internal CA, checked with OpenSSL.
@Suite("Local provider: certificates")
struct CertificateTests {
    let provider = LocalProvider()

    func certificate(validity: String = "90d", renewBeforeDays: Int = 30, keyAlgorithm: String = "ec-p256") -> DesiredResource {
        desired(
            "site", "security.certificate",
            [
                "domains": ["app.internal", "127.0.0.1"], "keyAlgorithm": .string(keyAlgorithm),
                "validity": .string(validity), "renewBeforeDays": .int(renewBeforeDays),
            ])
    }

    func openssl(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await CommandRunner.run("/usr/bin/openssl", arguments)
    }

    @Test("the certificate verifies against the CA for its domains and an IP, the key is private, and an intact one is kept")
    func issue() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        let resource = certificate()
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let certificatePath = try #require(outputs["certificatePath"]?.stringValue)
        let caPath = try #require(outputs["caPath"]?.stringValue)
        let verified = try await openssl(["verify", "-CAfile", caPath, "-purpose", "sslserver", "-verify_hostname", "app.internal", certificatePath])
        #expect(verified.succeeded, "\(verified.complaint)")
        let byIP = try await openssl(["verify", "-CAfile", caPath, "-verify_ip", "127.0.0.1", certificatePath])
        #expect(byIP.succeeded, "\(byIP.complaint)")
        let wrongName = try await openssl(["verify", "-CAfile", caPath, "-verify_hostname", "other.internal", certificatePath])
        #expect(!wrongName.succeeded)
        #expect(LocalPaths.currentMode(try #require(outputs["keyPath"]?.stringValue)) == 0o600)
        let modulus = try await openssl(["pkey", "-in", try #require(outputs["keyPath"]?.stringValue), "-pubout"])
        let certificateKey = try await openssl(["x509", "-in", certificatePath, "-noout", "-pubkey"])
        #expect(modulus.output == certificateKey.output && !modulus.output.isEmpty)

        let recorded = state(resource, outputs: outputs)
        #expect(try await provider.refresh(recorded, context: ctx).drift.isEmpty)
        let again = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(again["serial"] == outputs["serial"])

        // Edited on disk: drift, and apply issues a new one.
        try "not a certificate".write(toFile: certificatePath, atomically: true, encoding: .utf8)
        #expect(try await provider.refresh(recorded, context: ctx).drift.map(\.attribute).contains("certificate"))
        let reissued = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(reissued["serial"] != outputs["serial"])
    }

    @Test("within renewBeforeDays of expiry it is notAfter drift, and apply renews it")
    func renewal() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        // One day and three seconds: due for renewal three seconds after issue.
        let resource = certificate(validity: "86403s", renewBeforeDays: 1, keyAlgorithm: "ec-p384")
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let recorded = state(resource, outputs: outputs)
        #expect(try await provider.refresh(recorded, context: ctx).drift.isEmpty)
        try await Task.sleep(for: .seconds(4))
        let drift = try await provider.refresh(recorded, context: ctx).drift
        #expect(drift.map(\.attribute) == ["notAfter"])
        #expect(drift.first?.new?.stringValue?.contains("days left") == true)
        let renewed = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(renewed["serial"] != outputs["serial"] && renewed["notAfter"] != outputs["notAfter"])
    }

    @Test("a validity shorter than the renewal window and a key type the CA cannot make are refused")
    func badInput() async throws {
        let ctx = context(temporaryDirectory())
        await #expect(throws: ProviderError.self) { _ = try await provider.apply(certificate(validity: "20d"), prior: nil, context: ctx) }
        await #expect(throws: ProviderError.self) { _ = try await provider.apply(certificate(keyAlgorithm: "rsa-2048"), prior: nil, context: ctx) }
    }

    @Test("a CA key others can read is refused, not used")
    func caKeyPermissions() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        _ = try await provider.apply(certificate(), prior: nil, context: ctx)
        chmod(directory + "/.dharma/ca/ca.key", 0o644)
        do {
            _ = try await provider.apply(desired("other", "security.certificate", ["domains": ["b.internal"]]), prior: nil, context: ctx)
            Issue.record("a world-readable CA key was used")
        } catch let error as ProviderError {
            #expect("\(error)".contains("chmod 600"))
        }
    }
}
