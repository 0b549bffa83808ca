/// Text matched literally at the start of a LIKE pattern with `ESCAPE '!'`: series names hold
/// `_`, which LIKE would read as any character.
enum LikePattern {
    static func prefix(_ text: String) -> String {
        text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
    }
}
