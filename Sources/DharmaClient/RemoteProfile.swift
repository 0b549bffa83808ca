import DharmaService
import Foundation
import Yams

/// Where a remote command goes: a server, the token to use there, the organisation (and
/// project, for stacks it creates), and the CA that signed the server's certificate.
public struct RemoteProfile: Sendable, Hashable, Codable {
    public var server: String
    public var token: String
    public var organisation: String?
    public var project: String?
    /// A PEM file of the CA to trust; the system's roots when nil.
    public var ca: String?

    public init(server: String, token: String, organisation: String? = nil, project: String? = nil, ca: String? = nil) {
        self.server = server
        self.token = token
        self.organisation = organisation
        self.project = project
        self.ca = ca
    }
}

/// `~/.config/dharma/config.yaml` (or `$XDG_CONFIG_HOME/dharma/config.yaml`): named profiles
/// and the one `dharma login` made current. The file holds tokens, so it is written mode 0600.
public struct RemoteConfiguration: Sendable, Codable, Hashable {
    public var current: String?
    public var profiles: [String: RemoteProfile]

    public init(current: String? = nil, profiles: [String: RemoteProfile] = [:]) {
        self.current = current
        self.profiles = profiles
    }

    public static func path(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/dharma/config.yaml" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/dharma/config.yaml"
    }

    public static func load(environment: [String: String]) throws(ServiceError) -> RemoteConfiguration {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return RemoteConfiguration() }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try YAMLDecoder().decode(RemoteConfiguration.self, from: text)
        } catch {
            throw .invalidInput("\(path) is not a Dharma configuration: \(error); fix it or run `dharma login` again")
        }
    }

    public func save(environment: [String: String]) throws(ServiceError) {
        let path = Self.path(environment: environment)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let text = try YAMLEncoder().encode(self)
            guard FileManager.default.createFile(atPath: path + ".new", contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ServiceError.failed("cannot write \(path)")
            }
            _ = rename(path + ".new", path)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .failed("cannot write \(path): \(error)")
        }
    }

    /// The profile a command uses: `--remote NAME` names one; `DHARMA_SERVER` with
    /// `DHARMA_TOKEN` (and `DHARMA_ORG`, `DHARMA_CA`) override the file; else the current profile.
    public static func resolve(_ name: String?, environment: [String: String]) throws(ServiceError) -> RemoteProfile {
        if name == nil || name == "", let server = environment["DHARMA_SERVER"], !server.isEmpty {
            guard let token = environment["DHARMA_TOKEN"], !token.isEmpty else {
                throw .invalidInput("DHARMA_SERVER is set but DHARMA_TOKEN is not; set both, or run `dharma login \(server)`")
            }
            return RemoteProfile(server: server, token: token, organisation: environment["DHARMA_ORG"], ca: environment["DHARMA_CA"])
        }
        let configuration = try load(environment: environment)
        let chosen = (name?.isEmpty == false ? name : nil) ?? configuration.current
        guard let chosen, var profile = configuration.profiles[chosen] else {
            throw .invalidInput(
                name.map { "no profile `\($0)` in \(path(environment: environment)); run `dharma login URL --profile \($0)`" }
                    ?? "no server to talk to: run `dharma login URL`, or set DHARMA_SERVER and DHARMA_TOKEN")
        }
        if let organisation = environment["DHARMA_ORG"], !organisation.isEmpty { profile.organisation = organisation }
        return profile
    }
}
