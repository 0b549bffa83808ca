import DharmaService
import Foundation
import Hummingbird

struct VersionView {
    struct Attribute {
        var name: String
        var old: String?
        var new: String?
    }
    struct Change {
        var resource: String
        var type: String
        /// The run page's classes, so a version reads like the plan that made it.
        var action: String
        var sign: String
        var label: String
        var attributes: [Attribute]
    }
    var organisation: String
    var stack: String
    var stackURL: String
    var version: Int
    var previous: Int?
    var changes: [Change]
    var none: Bool
}

/// A state version's page: what it changed from the version before, resource by resource,
/// secrets and the stack's sensitive variables hidden.
extension Console {
    func versionPage(_ organisation: String, _ reference: String, _ version: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        guard let number = Int(version), number > 0 else { throw HTTPError(.notFound) }
        let scope = try await tenants.stackScope(reference, in: organisation, .read, to: "read state")
        let mask = try await tenants.secretMask(reference, in: organisation)
        let diff = try await StateService(context: scope.context).diff(scope.selector, version: number)
        let changes = diff.changes.map { change in
            let (action, sign, label) =
                switch change.kind {
                case .added: ("create", "+", "was created")
                case .removed: ("delete", "-", "was destroyed")
                case .changed: ("update", "~", "was changed")
                }
            return VersionView.Change(
                resource: change.resource, type: change.type, action: action, sign: sign, label: label,
                attributes: change.attributes.map {
                    .init(name: $0.name, old: $0.old.map { mask.mask($0).rendered }, new: $0.new.map { mask.mask($0).rendered })
                })
        }
        let view = VersionView(
            organisation: organisation, stack: reference, stackURL: "/console/orgs/\(organisation)/stacks/\(reference)", version: number,
            previous: diff.previous, changes: changes, none: changes.isEmpty)
        return pages.render(.version, title: "\(reference) v\(number)", view)
    }
}
