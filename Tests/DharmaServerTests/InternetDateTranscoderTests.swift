import Foundation
import OpenAPIRuntime
import Testing

@testable import DharmaServer

@Suite("Server: dates in the API")
struct InternetDateTranscoderTests {
    @Test("dates are written exactly as the ISO 8601 transcoder writes them, from year 1 to 9999, and read back")
    func matchesTheRuntime() throws {
        let ours = InternetDateTranscoder()
        let runtime = ISO8601DateTranscoder()
        var generator = SystemRandomNumberGenerator()
        let edges: [Double] = [0, -1, -0.5, 0.999, 86_399.9, 951_782_400, 4_107_542_400, -62_135_596_800, 253_402_300_799, 1_796_000_000.25]
        let samples =
            edges + [-12_212_553_600, -12_212_553_601] + (0..<20_000).map { _ in Double.random(in: -62_135_596_800...253_402_300_799, using: &generator) }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            let text = try ours.encode(date)
            #expect(text == (try runtime.encode(date)), "\(seconds)")
            // The runtime's own reading of the text is the reference: the text holds whole
            // seconds, and an expectation computed from `seconds` in floating point can land
            // on the other side of a second boundary than the formatter did.
            #expect(try ours.decode(text) == (try runtime.decode(text)), "\(seconds) as \(text)")
        }
    }
}
