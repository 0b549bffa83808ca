import Foundation

/// Where tests find the repository, the freshly built `dharma`, and the shared evaluation data.
/// One definition for every test target, so they cannot drift apart.
public enum TestPaths {
    /// The repository checkout these tests belong to.
    public static let repository: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The debug build of `dharma` that `swift build` made; tests that run the CLI start it.
    public static let dharma = repository + "/.build/debug/dharma"

    /// The shared evaluation data: `$DHARMA_SHARED/data`, or `shared/data` beside the
    /// repository (as CI lays them out).
    public static let sharedData: String = {
        if let explicit = ProcessInfo.processInfo.environment["DHARMA_SHARED"], !explicit.isEmpty { return explicit + "/data" }
        return (repository as NSString).deletingLastPathComponent + "/shared/data"
    }()
}
