import DharmaCore

/// Why a blueprint could not be turned into code for a format or provider.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }

    /// The type has no equivalent in what the provider or format offers.
    static func unsupported(_ resource: ExportResource, _ target: String, _ supported: [String]) -> ExportError {
        ExportError(
            "resource `\(resource.name)`: \(target) cannot express `\(resource.type)`; it supports "
                + supported.sorted().joined(separator: ", "), at: resource.location)
    }

    static func missingOutput(_ attribute: String, of resource: ExportResource, in target: String, offered: [String]) -> ExportError {
        ExportError(
            "`\(resource.name).\(attribute)`: \(target)'s `\(resource.type)` has no output `\(attribute)`; it offers "
                + offered.sorted().joined(separator: ", "), at: resource.location)
    }
}
