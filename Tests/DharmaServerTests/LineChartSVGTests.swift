import DharmaInsight
import Foundation
import Testing

@testable import DharmaConsole

@Suite("Console: metric charts drawn on the server")
struct LineChartSVGTests {
    static let start: Int64 = 1_704_067_200_000

    static func wave(_ count: Int, spikeAt spike: Int? = nil) -> [Sample] {
        (0..<count).map { minute in
            Sample(time: start + Int64(minute) * 60_000, value: minute == spike ? 95 : 40 + 10 * sin(Double(minute) * 2 * .pi / 60))
        }
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("a small series is drawn point for point, with the band, its mean and each anomaly titled")
    func drawsEverything() {
        let samples = Self.wave(100)
        let band = LineChartSVG.Band(start: Self.start + 100 * 60_000, step: 60_000, mean: [40, 41, 42], lower: [35, 35, 35], upper: [45, 47, 49])
        let chart = LineChartSVG(
            title: #"cpu{resource="web"}"#, samples: samples, band: band, anomalies: [.init(time: Self.start + 50 * 60_000, value: 40, score: 0.93)],
            from: Self.start, to: Self.start + 100 * 60_000)
        let svg = chart.render()
        let line = svg.components(separatedBy: #"class="line" points=""#).last?.components(separatedBy: "\"").first ?? ""
        #expect(line.split(separator: " ").count == 100, "every sample is a point of the line")
        #expect(Self.count(#"class="band""#, in: svg) == 1 && Self.count(#"class="forecast""#, in: svg) == 1)
        let band6 = svg.components(separatedBy: #"class="band" points=""#).last?.components(separatedBy: "\"").first ?? ""
        #expect(band6.split(separator: " ").count == 6, "the band runs out along the upper bound and back along the lower")
        #expect(Self.count(#"class="anomaly""#, in: svg) == 1 && svg.contains("anomaly at 01-01 00:50: 40 (score 0.93)"))
        #expect(svg.contains(#"aria-label="cpu{resource=&quot;web&quot;}: 100 samples"#), "the label is escaped and says what is drawn: \(svg.prefix(300))")
        #expect(!svg.contains("style="), "no inline style: the console's CSP refuses it")
    }

    @Test("a week of samples is thinned to a few hundred points and still shows a one-sample spike")
    func thinsButKeepsSpikes() {
        let samples = Self.wave(10_080, spikeAt: 7_777)
        let thinned = LineChartSVG.thinned(samples, from: Self.start, to: Self.start + 10_080 * 60_000)
        #expect(thinned.count <= LineChartSVG.columns * 2 + 2, "\(thinned.count) points")
        #expect(thinned.contains { $0.value == 95 && $0.time == Self.start + 7_777 * 60_000 }, "the spike survives thinning")
        #expect(zip(thinned, thinned.dropFirst()).allSatisfy { $0.time < $1.time }, "points stay in time order")
    }

    @Test("a flat series and a series without samples still draw, with no division by zero")
    func degenerateSeries() {
        let flat = LineChartSVG(
            title: "up", samples: (0..<10).map { Sample(time: Self.start + Int64($0) * 1000, value: 1) }, band: nil, anomalies: [], from: Self.start,
            to: Self.start + 9000)
        #expect(!flat.render().contains("nan") && !flat.render().contains("inf"))
        let empty = LineChartSVG(title: "none", samples: [], band: nil, anomalies: [], from: Self.start, to: Self.start)
        #expect(empty.render().hasSuffix("</svg>") && empty.summary == "none: 0 samples, no anomalies")
    }

    @Test(
        "axis numbers are short",
        arguments: [(0.0, "0"), (1234567, "1.23M"), (2_500_000_000, "2.5G"), (12_345, "12.35k"), (0.5, "0.5"), (0.000123, "1.23e-04"), (-40, "-40")])
    func numbers(value: Double, text: String) {
        #expect(SVGText.number(value) == text)
    }
}
