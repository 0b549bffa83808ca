import Testing

@testable import DharmaAutopilot

@Suite("Memory trend: a leak is a line, a spike is not")
struct MemoryTrendTests {
    @Test("steady growth with allocator jitter fits a line; one jump does not, wherever it falls")
    func fit() throws {
        let mebibyte = 1_048_576.0
        let jitter = [0.0, 3, -2, 4, -3, 1, -4, 2, 3, -1, 0, 2]
        let leak = (0..<12).map { (time: Double($0), bytes: (40 + 8 * Double($0) + jitter[$0]) * mebibyte) }
        let trend = try #require(LinearTrend(leak))
        #expect(trend.fit > 0.95 && abs(trend.slope / mebibyte - 8) < 0.5)
        for jump in 1..<12 {
            let spike = (0..<12).map { (time: Double($0), bytes: ($0 < jump ? 40 : 200) * mebibyte) }
            let fit = try #require(LinearTrend(spike)).fit
            #expect(fit < 0.8, "a jump at sample \(jump) fits with R² \(fit)")
        }
    }
}
