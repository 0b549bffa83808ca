/// A name a store keeps for an enum (a symptom, a status, a resolution), read back. A name no
/// version of Dharma writes means the database was edited or damaged, which is said rather than
/// guessed around.
enum StoredName {
    static func decode<Kind: RawRepresentable>(_ text: String, in column: String) throws -> Kind where Kind.RawValue == String {
        guard let kind = Kind(rawValue: text) else {
            throw StoreError("\(column) holds `\(text)`, which is not a value Dharma writes; the state database may be damaged")
        }
        return kind
    }
}
