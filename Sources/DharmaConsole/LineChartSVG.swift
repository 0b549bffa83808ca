import DharmaInsight
import Foundation

/// A metric's line chart drawn as SVG on the server: the samples, the forecast's 80 % band and
/// mean past the last sample, and each anomaly marked with a ring and a title a pointer or a
/// screen reader finds. No script and no chart library; colours come from presentation
/// attributes, which the console's Content-Security-Policy allows where inline styles are not.
struct LineChartSVG {
    struct Band {
        var start: Int64
        var step: Int64
        var mean: [Double]
        var lower: [Double]
        var upper: [Double]
    }

    var title: String
    var samples: [Sample]
    var band: Band?
    var anomalies: [SeriesAlarms.Alarm]
    /// The window the query read, in milliseconds; the chart runs past it by the forecast.
    var from: Int64
    var to: Int64

    static let (width, height) = (720.0, 240.0)
    static let (left, right, top, bottom) = (56.0, 12.0, 12.0, 28.0)
    /// The line keeps the lowest and highest sample of each of this many columns, so a spike
    /// of one sample among a week of them still shows.
    static let columns = 360

    func render() -> String {
        let bandTimes = band.map { band in band.mean.indices.map { band.start + Int64($0) * band.step } } ?? []
        let start = min(from, samples.first?.time ?? from)
        let end = max(to, bandTimes.last ?? to, samples.last?.time ?? to)
        let shown = Self.thinned(samples, from: start, to: end)
        var values = shown.map(\.value) + (band.map { $0.lower + $0.upper } ?? [])
        values = values.filter(\.isFinite)
        var low = values.min() ?? 0, high = values.max() ?? 1
        // A flat series gets a band of its own around it; a flat zero (nothing costs anything
        // yet) stays at the bottom rather than showing negative money.
        if high - low < 1e-9 { (low, high) = low == 0 ? (0, 1) : (low - abs(low) * 0.1 - 1e-9, high + abs(high) * 0.1 + 1e-9) }
        let padding = (high - low) * 0.05
        (low, high) = (low - padding, high + padding)

        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let span = Double(max(1, end - start))
        func x(_ time: Int64) -> String { Self.coordinate(Self.left + Double(time - start) / span * plotWidth) }
        func y(_ value: Double) -> String { Self.coordinate(Self.top + (high - value) / (high - low) * plotHeight) }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" \
            aria-label="\(SVGText.escape(summary))">

            """
        // Grid lines and value labels at the bottom, middle and top.
        for fraction in [0.0, 0.5, 1.0] {
            let value = low + (high - low) * fraction
            svg += "<line x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.width - Self.right))\" y1=\"\(y(value))\" y2=\"\(y(value))\" stroke=\"#d0d7de\"/>"
            svg += "<text x=\"\(Int(Self.left - 6))\" y=\"\(y(value))\" dy=\"4\" text-anchor=\"end\" font-size=\"11\" fill=\"#545d68\">"
            svg += "\(SVGText.number(value))</text>\n"
        }
        for (time, anchor) in [(start, "start"), (end, "end")] {
            svg += "<text x=\"\(x(time))\" y=\"\(Int(Self.height - 8))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"#545d68\">"
            svg += "\(Self.clock(time))</text>\n"
        }
        if let band, !bandTimes.isEmpty {
            let upper = zip(bandTimes, band.upper).map { "\(x($0)),\(y($1))" }
            let lower = zip(bandTimes, band.lower).reversed().map { "\(x($0)),\(y($1))" }
            svg += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"#0b5cad\" fill-opacity=\"0.15\">"
            svg += "<title>forecast, 80 % interval</title></polygon>\n"
            let mean = zip(bandTimes, band.mean).map { "\(x($0)),\(y($1))" }
            svg += "<polyline class=\"forecast\" points=\"\(mean.joined(separator: " "))\" fill=\"none\" stroke=\"#0b5cad\" "
            svg += "stroke-dasharray=\"4 3\" stroke-width=\"1.5\"/>\n"
        }
        let line = shown.filter { $0.value.isFinite }.map { "\(x($0.time)),\(y($0.value))" }
        svg += "<polyline class=\"line\" points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"1.5\"/>\n"
        for alarm in anomalies where alarm.value.isFinite {
            svg += "<circle class=\"anomaly\" cx=\"\(x(alarm.time))\" cy=\"\(y(alarm.value))\" r=\"5\" fill=\"none\" stroke=\"#a40e26\" stroke-width=\"2\">"
            svg += "<title>anomaly at \(Self.clock(alarm.time)): \(SVGText.number(alarm.value)) (score \(String(format: "%.2f", alarm.score)))</title>"
            svg += "</circle>\n"
        }
        return svg + "</svg>"
    }

    /// What the chart shows, in words, for a screen reader and for anyone who cannot tell the colours.
    var summary: String {
        var words = "\(title): \(samples.count) samples"
        if let last = samples.last { words += ", last \(SVGText.number(last.value)) at \(Self.clock(last.time))" }
        words += anomalies.isEmpty ? ", no anomalies" : ", \(anomalies.count) anomal\(anomalies.count == 1 ? "y" : "ies")"
        if let band, let mean = band.mean.last { words += ", forecast \(SVGText.number(mean)) by the chart's end" }
        return words
    }

    /// The lowest and highest sample of each column, in time order.
    static func thinned(_ samples: [Sample], from: Int64, to: Int64) -> [Sample] {
        guard samples.count > columns * 2 else { return samples }
        let width = max(1, (to - from) / Int64(columns))
        var kept: [Sample] = []
        var index = 0
        while index < samples.count {
            let column = (samples[index].time - from) / width
            var lowest = samples[index], highest = samples[index]
            while index < samples.count, (samples[index].time - from) / width == column {
                if samples[index].value < lowest.value { lowest = samples[index] }
                if samples[index].value > highest.value { highest = samples[index] }
                index += 1
            }
            kept += lowest.time <= highest.time ? [lowest, highest] : [highest, lowest]
            if lowest.time == highest.time { kept.removeLast() }
        }
        return kept
    }

    static func coordinate(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// `MM-DD HH:MM` in UTC, as the rest of the console writes times.
    static func clock(_ milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
        return String(format: "%02d-%02d %02d:%02d", parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}
