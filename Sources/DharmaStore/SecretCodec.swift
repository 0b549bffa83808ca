import DharmaCore
import Foundation

/// How a stack's sensitive values are sealed with its data key, whichever database keeps them:
/// a resource's sensitive inputs are encrypted (AES-GCM) before they are written — and so in
/// every state version — and decrypted when read. Without the sealer a sealed value is an error,
/// never clear text. Where the data keys live is each store's own business.
struct SecretCodec: Sendable {
    let sealer: (any SecretSealer)?

    /// `resource` as it is written: its sensitive inputs sealed with `key()`.
    func sealed(_ resource: ResourceState, key: () throws -> [UInt8]) throws -> ResourceState {
        let sensitive = Self.sensitiveInputs(of: resource)
        guard !sensitive.isEmpty else { return resource }
        guard sealer != nil else {
            throw SealingError("`\(resource.name)` has a sensitive value, this state store has no sealing key, and a sensitive value is never stored in clear")
        }
        let dataKey = try key()
        var sealed = resource
        for name in sensitive { sealed.inputs[name] = try seal(resource.inputs[name] ?? .null, key: dataKey) }
        return sealed
    }

    /// `resource` as it was read: its sealed inputs opened with `key()`.
    func opened(_ resource: ResourceState, key: () throws -> [UInt8]) throws -> ResourceState {
        guard resource.inputs.values.contains(where: SealedValue.containsSealed) else { return resource }
        guard sealer != nil else { throw SealingError("the state holds sealed secrets, and this store was opened without their key") }
        let dataKey = try key()
        var opened = resource
        for (name, value) in resource.inputs where SealedValue.containsSealed(value) { opened.inputs[name] = try unseal(value, key: dataKey) }
        // What was sealed beyond the catalog's sensitive properties carried a secret: it stays one.
        let catalog = Set(ResourceCatalog.type(named: resource.type)?.sensitiveProperties ?? [])
        let derived = resource.inputs.filter { !catalog.contains($0.key) && SealedValue.containsSealed($0.value) }.keys.sorted()
        if !derived.isEmpty { opened.derivedSecrets = derived }
        return opened
    }

    /// The inputs stored sealed: the catalog's sensitive properties and those derived from
    /// secrets, when set in clear.
    static func sensitiveInputs(of resource: ResourceState) -> [String] {
        resource.secretInputs.filter { name in
            guard let value = resource.inputs[name] else { return false }
            return !SealedValue.containsSealed(value) && value != .null
        }.sorted()
    }

    func seal(_ value: Value, key: [UInt8]) throws -> Value {
        guard let sealer else {
            throw SealingError("this state store has no sealing key, and a sensitive value is never stored in clear")
        }
        if SealedValue.ciphertext(of: value) != nil { return value }
        let ciphertext = try sealer.encrypt(Array(value.jsonText.utf8), with: key)
        return SealedValue.wrap(Data(ciphertext).base64EncodedString())
    }

    /// Decrypts every sealed value in the tree.
    func unseal(_ value: Value, key: [UInt8]) throws -> Value {
        if let text = SealedValue.ciphertext(of: value) {
            guard let sealer else { throw SealingError("the state holds sealed secrets, and this store was opened without their key") }
            guard let ciphertext = Data(base64Encoded: text) else { throw SealingError("a sealed value is damaged (not base64)") }
            let plaintext = try sealer.decrypt(Array(ciphertext), with: key)
            do {
                return try JSONDecoder().decode(Value.self, from: Data(plaintext))
            } catch {
                throw SealingError("a sealed value decrypted to something that is not a value: \(error)")
            }
        }
        switch value {
        case .list(let items): return .list(try items.map { try unseal($0, key: key) })
        case .map(let entries): return .map(try entries.mapValues { try unseal($0, key: key) })
        default: return value
        }
    }

    /// Every sealed value in the tree decrypted with `old` and encrypted with `fresh` under
    /// `next`; `count` grows by the values re-sealed.
    func resealed(_ value: Value, old: [UInt8], next: any SecretSealer, fresh: [UInt8], count: inout Int) throws -> Value {
        guard let sealer else { throw SealingError("this state store has no sealing key to rotate") }
        if let text = SealedValue.ciphertext(of: value), let ciphertext = Data(base64Encoded: text) {
            count += 1
            let plaintext = try sealer.decrypt(Array(ciphertext), with: old)
            return SealedValue.wrap(Data(try next.encrypt(plaintext, with: fresh)).base64EncodedString())
        }
        switch value {
        case .list(let items): return .list(try items.map { try resealed($0, old: old, next: next, fresh: fresh, count: &count) })
        case .map(let entries): return .map(try entries.mapValues { try resealed($0, old: old, next: next, fresh: fresh, count: &count) })
        default: return value
        }
    }
}
