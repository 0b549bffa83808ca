import DharmaCore
import Testing

@testable import DharmaExport

/// The catalog lists, for each type, the providers that offer it; validate accepts exactly
/// those. Terraform is the one format every provider has, so a provider the catalog lists must
/// get Terraform for the type, and one it does not list must be refused. The other formats
/// either generate or refuse naming what they lack.
@Suite("Export: the catalog and the exporters agree")
struct CatalogAgreementTests {
    static let exportable = ProviderName.allCases.filter { $0 != .local }

    /// The types a resource of `type` usually refers to, which come with it.
    static func companions(of type: String) -> [String] {
        ["network.subnet", "network.firewall"].contains(type) ? ["network.vpc"] : []
    }

    /// Whether `format` generates `type` on `provider`, or the message it refuses with. The
    /// blueprint is written for a provider the catalog lists (validate accepts no other) and
    /// moved to `provider` as `export --provider` moves it.
    func attempt(_ format: ExportFormat, _ type: ResourceType, on provider: ProviderName) throws -> Result<[GeneratedFile], ExportError> {
        let home = type.providers.contains(provider) ? provider : type.providers.filter { $0 != .local }.min { $0.rawValue < $1.rawValue } ?? .aws
        // Companions come along where the provider the blueprint is written for has them.
        let companions = Self.companions(of: type.name).filter { ResourceCatalog.type(named: $0)?.providers.contains(home) == true }
        let text = blueprint(provider: home, region: ProviderDefaults.region(for: home), types: [type.name] + companions)
        let stack = try exportStack(yaml: text, provider: provider)
        do {
            return .success(try format.export(stack))
        } catch {
            return .failure(error)
        }
    }

    @Test("every type × provider: Terraform generates exactly what the catalog lists")
    func terraformMatchesTheCatalog() throws {
        var disagreements: [String] = []
        for type in ResourceCatalog.all {
            for provider in Self.exportable {
                let listed = type.providers.contains(provider)
                switch try attempt(.terraform, type, on: provider) {
                case .success:
                    if !listed { disagreements.append("\(type.name) on \(provider): Terraform generates it, the catalog does not list it") }
                case .failure(let error):
                    if listed {
                        disagreements.append("\(type.name) on \(provider): the catalog lists it, Terraform refuses: \(error.message)")
                    } else if !error.message.contains("cannot express `\(type.name)`") {
                        disagreements.append("\(type.name) on \(provider): refused without naming the type: \(error.message)")
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count):\n\(disagreements.joined(separator: "\n"))")
    }

    @Test("every type × provider × other format: generated, or refused naming the format and what it lacks")
    func otherFormatsGenerateOrRefuseClearly() throws {
        var unclear: [String] = []
        for format in ExportFormat.allCases where format != .terraform {
            for type in ResourceCatalog.all {
                for provider in Self.exportable where type.providers.contains(provider) {
                    guard case .failure(let error) = try attempt(format, type, on: provider) else { continue }
                    // A format may refuse the type itself or a companion that comes with it.
                    if !error.message.contains("cannot express `") && !error.message.contains(provider.rawValue) {
                        unclear.append("\(format.rawValue) \(type.name) on \(provider): \(error.message)")
                    }
                }
            }
        }
        #expect(unclear.isEmpty, "\(unclear.count):\n\(unclear.joined(separator: "\n"))")
    }
}
