import Foundation
import Testing

@testable import DharmaInsight

@Suite struct MetricsTests {
    @Test func gorillaChunksRoundTripAndRegularSeriesTakeUnderTwoBytesPerSample() {
        var generator = SplitMix(seed: 11)
        var irregular = GorillaChunk()
        var expected: [Sample] = []
        var time: Int64 = 1_700_000_000_000
        for _ in 0..<5000 {
            time += Int64(generator.next() % 100_000)
            let value = Double(Int64(generator.next() % 2_000_000) - 1_000_000) / 7.0
            irregular.append(time: time, value: value)
            expected.append(Sample(time: time, value: value))
        }
        #expect(irregular.samples == expected)
        #expect(GorillaChunk(bytes: irregular.bytes, count: irregular.count).samples == expected)

        var regular = GorillaChunk()
        for step in 0..<120 { regular.append(time: 1_700_000_000_000 + Int64(step) * 15_000, value: 42 + Double(step % 3)) }
        #expect(Double(regular.bytes.count) / 120 < 2, "\(regular.bytes.count) bytes for 120 samples")
        #expect(regular.samples.map(\.value) == (0..<120).map { 42 + Double($0 % 3) })
        #expect(GorillaChunk.decode(bytes: Array(regular.bytes.prefix(10)), count: 120).count < 120, "a damaged chunk yields what precedes the damage")
    }

    @Test func theBufferDropsValuesItCannotStoreAndTimesThatGoBackwards() {
        var buffer = SeriesBuffer()
        let key = SeriesKey(name: "cpu", labels: ["resource": "web"])
        for (time, value) in [(1000, 1.0), (2000, .nan), (2000, 2.0), (2000, 3.0), (1500, 4.0), (3000, .infinity), (4000, 5.0)] as [(Int64, Double)] {
            buffer.append(key, Sample(time: time, value: value))
        }
        #expect(buffer.accepted == 3 && buffer.rejected == 4)
        #expect(buffer.samples[key]?.map(\.value) == [1, 2, 5])
        #expect(SeriesKey(name: "cpu", labels: ["b": "2", "a": "1"]).description == #"cpu{a="1",b="2"}"#)
    }

    @Test func prometheusTextIsParsedAndBadLinesAreNamed() {
        let (lines, problems) = PrometheusText.parse(
            """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{method="get",path="/a\\"b"} 1027 1700000000000
            process_resident_memory_bytes 3.5e7
            up{job="x"} NaN
            broken{label=unquoted} 1
            no_value{a="b"}
            """)
        #expect(lines.count == 3)
        #expect(lines[0].key.labels == ["method": "get", "path": "/a\"b"] && lines[0].value == 1027 && lines[0].time == 1_700_000_000_000)
        #expect(lines[1].value == 3.5e7 && lines[2].value.isNaN)
        #expect(problems.map(\.line) == [6, 7])
    }

    @Test func queriesSelectAggregateAndComputeRatesAcrossResets() throws {
        let web0 = SeriesKey(name: "cpu", labels: ["resource": "web", "replica": "0"])
        let web1 = SeriesKey(name: "cpu", labels: ["resource": "web", "replica": "1"])
        let db = SeriesKey(name: "cpu", labels: ["resource": "db", "replica": "0"])
        let counter = SeriesKey(name: "requests_total", labels: ["resource": "web"])
        let series: [SeriesKey: [Sample]] = [
            web0: [Sample(time: 0, value: 10), Sample(time: 1000, value: 30)],
            web1: [Sample(time: 0, value: 20), Sample(time: 1000, value: 40)],
            db: [Sample(time: 0, value: 90)],
            counter: [Sample(time: 0, value: 100), Sample(time: 10_000, value: 150), Sample(time: 20_000, value: 30)],
        ]
        let average = try MetricQuery.parse(#"avg(cpu) by (resource)"#).evaluate(series)
        #expect(average.map(\.labels) == [["resource": "db"], ["resource": "web"]] && average.map(\.value) == [90, 25])
        #expect(try MetricQuery.parse(#"max(cpu{resource="web",replica!="1"})"#).evaluate(series).first?.value == 30)
        #expect(try MetricQuery.parse(#"quantile(0.5, cpu{resource=~"w.*"})"#).evaluate(series).first?.value == 25)
        #expect(try MetricQuery.parse("rate(requests_total)").evaluate(series).first?.value == 4, "(50 + 30) / 20 s")
        #expect(throws: MetricQuery.SyntaxError.self) { try MetricQuery.parse(#"cpu{resource}"#) }
        #expect(throws: MetricQuery.SyntaxError.self) { try MetricQuery.parse("avg(cpu") }
    }

    @Test func csvAndOTLPImportsNameTheirBadRows() throws {
        let narrow = MetricImport.csv("timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,x\n1704067800,3\n", name: "disk", labels: ["host": "a"])
        #expect(narrow.samples.map(\.1.value) == [1, 3])
        #expect(narrow.samples.first?.1.time == 1_704_067_200_000)
        #expect(narrow.problems.map(\.line) == [3])
        let wide = MetricImport.csv("time,cpu,memory\n1704067200,0.5,1024\n", name: nil, labels: [:])
        #expect(Set(wide.samples.map(\.0.name)) == ["cpu", "memory"])
        let payload = try JSONSerialization.jsonObject(
            with: Data(
                """
                {"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "web"}}]},
                  "scopeMetrics": [{"metrics": [{"name": "http.server.duration", "gauge": {"dataPoints": [
                    {"timeUnixNano": "1704067200000000000", "asDouble": 0.25, "attributes": [{"key": "route", "value": {"stringValue": "/a"}}]}]}}]}]}]}
                """.utf8))
        let otlp = MetricImport.otlp(payload, labels: [:])
        #expect(otlp.samples.first?.0 == SeriesKey(name: "http_server_duration", labels: ["service_name": "web", "route": "/a"]))
        #expect(otlp.samples.first?.1 == Sample(time: 1_704_067_200_000, value: 0.25))
    }

    @Test func rollupsKeepMinMaxAverageAndCount() {
        let samples = [Sample(time: 0, value: 1), Sample(time: 100_000, value: 5), Sample(time: 299_999, value: 3), Sample(time: 300_000, value: 7)]
        let points = Downsampler.rollup(samples, step: 300_000)
        #expect(points.count == 2)
        #expect(points[0] == Downsampler.Point(time: 0, min: 1, max: 5, average: 3, count: 3))
        #expect(points[1].count == 1 && points[1].average == 7)
    }
}
