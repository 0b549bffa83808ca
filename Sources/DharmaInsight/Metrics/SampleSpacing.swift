/// How far apart a series' samples usually are.
public enum SampleSpacing {
    /// The median gap between consecutive times (in their unit), so a missed scrape or a burst
    /// does not move it; nil for fewer than two times or when the median gap is not positive.
    public static func typicalGap(_ times: [Int64]) -> Int64? {
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
        guard !gaps.isEmpty, gaps[gaps.count / 2] > 0 else { return nil }
        return gaps[gaps.count / 2]
    }
}
