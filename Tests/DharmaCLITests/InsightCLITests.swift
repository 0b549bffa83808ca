import Foundation
import Testing

/// The shared evaluation data: `$DHARMA_SHARED`, or `shared/` beside the repository.
let sharedData: String = {
    if let explicit = ProcessInfo.processInfo.environment["DHARMA_SHARED"], !explicit.isEmpty { return explicit + "/data" }
    return (repositoryRoot as NSString).deletingLastPathComponent + "/shared/data"
}()

@Suite struct InsightCLITests {
    @Test func anomalyEvaluationScoresAllProfilesAndWritesNABResultFiles() throws {
        let out = scratchDirectory()
        let result = try dharma(["insight", "eval", "anomaly", "--data", sharedData + "/nab", "--scores-out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["files"] as? Int == 58)
        let profiles = report["profiles"] as? [String: [String: Any]] ?? [:]
        #expect(Set(profiles.keys) == ["standard", "reward_low_FP_rate", "reward_low_FN_rate"])
        for (_, profile) in profiles { #expect((profile["score"] as? Double).map { $0 > 0 && $0 <= 100 } == true) }
        let csv = try String(contentsOfFile: out + "/dharma/realKnownCause/dharma_nyc_taxi.csv", encoding: .utf8)
        #expect(csv.hasPrefix("timestamp,value,anomaly_score,label\n2014-07-01 00:00:00,10844.0,"))
        #expect(csv.contains(",1\n"), "rows inside windows are labelled 1")
    }

    @Test func aMalformedCSVRowIsNamedByLine() throws {
        let directory = scratchDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/data/x", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/labels", withIntermediateDirectories: true)
        try "{\"x/a.csv\": []}".write(toFile: directory + "/labels/combined_windows.json", atomically: true, encoding: .utf8)
        try "timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,oops\n".write(toFile: directory + "/data/x/a.csv", atomically: true, encoding: .utf8)
        let result = try dharma(["insight", "eval", "anomaly", "--data", directory])
        #expect(result.status == 2)
        #expect(result.stderr.contains("a.csv:3: expected `timestamp,value`"), "\(result.stderr)")
    }
}
