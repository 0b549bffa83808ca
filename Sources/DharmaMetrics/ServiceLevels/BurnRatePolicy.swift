/// Multi-window, multi-burn-rate alerting as the Google SRE workbook (chapter 5, "Alerting on
/// SLOs") recommends: an alert fires when the error budget burns faster than a threshold over
/// a long window *and* a short one. The long window keeps a blip from paging; the short one
/// lets the alert stop soon after the burning does.
public struct BurnRatePolicy: Sendable, Hashable {
    public struct Rule: Sendable, Hashable, Codable {
        public var speed: Speed
        /// Budget consumed this many times faster than the window allows.
        public var threshold: Double
        /// Seconds.
        public var longWindow: Double
        public var shortWindow: Double

        public init(speed: Speed, threshold: Double, longWindow: Double, shortWindow: Double) {
            self.speed = speed
            self.threshold = threshold
            self.longWindow = longWindow
            self.shortWindow = shortWindow
        }
    }

    public enum Speed: String, Sendable, Hashable, Codable {
        /// 2 % of a 30-day budget in an hour: someone must look now.
        case fast
        /// 5 % of a 30-day budget in six hours: soon.
        case slow
    }

    public var rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// 14.4× over 1 h and 5 min, and 6× over 6 h and 30 min.
    public static let workbook = BurnRatePolicy(rules: [
        Rule(speed: .fast, threshold: 14.4, longWindow: 3_600, shortWindow: 300),
        Rule(speed: .slow, threshold: 6, longWindow: 21_600, shortWindow: 1_800),
    ])

    /// Every window a rule reads, shortest first.
    public var windows: [Double] {
        Set(rules.flatMap { [$0.longWindow, $0.shortWindow] }).sorted()
    }
}
