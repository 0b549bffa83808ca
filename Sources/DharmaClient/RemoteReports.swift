import DharmaAPI
import DharmaService
import Foundation
import OpenAPIRuntime

/// The server's reports on a stack's newest blueprint: what the local commands print with
/// --json, as JSON objects.
extension RemoteStackService {
    public func drift(_ address: StackAddress) async throws(ServiceError) -> [String: (any Sendable)?] {
        let output = try await client.call { try await api.checkDrift(path: .init(org: address.organisation, stack: address.reference)) }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    public func cost(_ address: StackAddress) async throws(ServiceError) -> [String: (any Sendable)?] {
        let output = try await client.call { try await api.getStackCost(path: .init(org: address.organisation, stack: address.reference)) }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    public func placement(_ address: StackAddress, objective: String) async throws(ServiceError) -> [String: (any Sendable)?] {
        let output = try await client.call {
            try await api.getPlacement(path: .init(org: address.organisation, stack: address.reference), query: .init(objective: .init(rawValue: objective)))
        }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    public func health(_ address: StackAddress) async throws(ServiceError) -> [String: (any Sendable)?] {
        let output = try await client.call { try await api.getStackHealth(path: .init(org: address.organisation, stack: address.reference)) }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    public func incidents(_ address: StackAddress, openOnly: Bool) async throws(ServiceError) -> [String: (any Sendable)?] {
        let output = try await client.call {
            try await api.listIncidents(path: .init(org: address.organisation, stack: address.reference), query: .init(open: openOnly))
        }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    public func incident(_ id: Int, _ address: StackAddress, approve: Bool) async throws(ServiceError) -> [String: (any Sendable)?] {
        let path = Operations.GetIncident.Input.Path(org: address.organisation, stack: address.reference, incident: id)
        if approve {
            let output = try await client.call {
                try await api.approveIncident(path: .init(org: path.org, stack: path.stack, incident: path.incident))
            }
            guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
            return report.additionalProperties.value
        }
        let output = try await client.call { try await api.getIncident(path: path) }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    public func compliance(_ address: StackAddress, frameworks: [String]) async throws(ServiceError) -> [String: (any Sendable)?] {
        let output = try await client.call {
            try await api.getCompliance(
                path: .init(org: address.organisation, stack: address.reference), query: .init(framework: frameworks.joined(separator: ",")))
        }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }

    /// The generated files, as the server's tar archive holds them.
    public func export(_ address: StackAddress, format: String) async throws(ServiceError) -> [(path: String, contents: Data)] {
        guard let payload = Operations.ExportStack.Input.Query.FormatPayload(rawValue: format) else {
            throw .invalidInput("--format \(format): the server exports terraform, cloudformation, cloudformation-json, bicep, pulumi or kubernetes")
        }
        let output = try await client.call {
            try await api.exportStack(path: .init(org: address.organisation, stack: address.reference), query: .init(format: payload))
        }
        guard case .ok(let ok) = output, case .applicationXTar(let body) = ok.body else { throw client.unexpected(output) }
        let data = try await client.call { try await Data(collecting: body, upTo: 256 << 20) }
        do { return try TarReader.files(in: data) } catch { throw .failed("the server's archive is not a tar archive: \(error)") }
    }

    /// `dharma scan` of one file, on the server's rules.
    public func scan(_ file: String) async throws(ServiceError) -> [String: (any Sendable)?] {
        let text = try Self.read(file)
        let organisation = try await client.organisation()
        let name = (file as NSString).lastPathComponent
        let output = try await client.call {
            try await api.scanCode(path: .init(org: organisation), query: .init(filename: name), body: .plainText(HTTPBody(text)))
        }
        guard case .ok(let ok) = output, case .json(let report) = ok.body else { throw client.unexpected(output) }
        return report.additionalProperties.value
    }
}

/// Reads a ustar archive back into files (the server's exports): names, sizes, contents.
enum TarReader {
    struct Malformed: Error, CustomStringConvertible { var description: String }

    static func files(in data: Data) throws -> [(path: String, contents: Data)] {
        let bytes = [UInt8](data)
        var files: [(String, Data)] = []
        var offset = 0
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<offset + 512]
            if header.allSatisfy({ $0 == 0 }) { break }
            func text(_ start: Int, _ length: Int) -> String {
                String(decoding: header[(offset + start)..<(offset + start + length)].prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let size = Int(text(124, 12).trimmingCharacters(in: .whitespaces), radix: 8) else { throw Malformed(description: "a bad size at \(offset)") }
            let prefix = text(345, 155)
            let name = prefix.isEmpty ? text(0, 100) : prefix + "/" + text(0, 100)
            guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."), offset + 512 + size <= bytes.count else {
                throw Malformed(description: "a bad entry `\(name)` at \(offset)")
            }
            files.append((name, Data(bytes[(offset + 512)..<(offset + 512 + size)])))
            offset += 512 + (size + 511) / 512 * 512
        }
        return files
    }
}
