/// Comparing secrets (CSRF tokens, sign-in state) without stopping at the first difference, so
/// the time a comparison takes says nothing of the secret.
enum ConstantTime {
    static func equal(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
