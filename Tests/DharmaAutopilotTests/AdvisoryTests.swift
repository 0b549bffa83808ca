import DharmaAutopilot
import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@Suite("OSV advisories against pinned versions")
struct AdvisoryTests {
    func advisory(_ json: String) throws -> OSVAdvisory {
        try JSONDecoder().decode(OSVAdvisory.self, from: Data(json.utf8))
    }

    @Test("versions order as SemVer and PEP 440 agree: numbers as numbers, pre-releases first, missing zeros equal")
    func ordering() {
        let sorted = ["1.10.0", "1.2.0", "1.2.0rc1", "1.2.0-beta.2", "v1.2.1", "0.9"].map(PackageVersion.init).sorted()
        #expect(sorted.map(\.description) == ["0.9", "1.2.0-beta.2", "1.2.0rc1", "1.2.0", "v1.2.1", "1.10.0"])
        #expect(PackageVersion("1.2") == PackageVersion("1.2.0"))
        #expect(PackageVersion("2.31.0").isPatchLevel(to: PackageVersion("2.31.4")))
        #expect(!PackageVersion("2.31.0").isPatchLevel(to: PackageVersion("2.32.0")))
    }

    @Test("introduced/fixed, last_affected and explicit versions decide who is affected, and name the fix")
    func ranges() throws {
        let osv = try advisory(
            """
            {"id": "GHSA-demo-0001", "summary": "demo", "affected": [
              {"package": {"ecosystem": "PyPI", "name": "Demo_App"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.4.5"}, {"introduced": "2.0.0"}, {"last_affected": "2.0.3"}]}],
               "versions": ["3.0.0"]}]}
            """)
        #expect(osv.affects(ecosystem: "PyPI", name: "demo-app", version: PackageVersion("1.4.2")) == (true, PackageVersion("1.4.5")))
        #expect(osv.affects(ecosystem: "pypi", name: "demo.app", version: PackageVersion("1.4.5")).affected == false)
        #expect(osv.affects(ecosystem: "PyPI", name: "demo-app", version: PackageVersion("2.0.3")).affected)
        #expect(osv.affects(ecosystem: "PyPI", name: "demo-app", version: PackageVersion("2.0.4")).affected == false)
        #expect(osv.affects(ecosystem: "PyPI", name: "demo-app", version: PackageVersion("3.0.0")).affected)
        #expect(osv.affects(ecosystem: "npm", name: "demo-app", version: PackageVersion("1.0.0")).affected == false)
        var withdrawn = osv
        withdrawn.withdrawn = "2026-01-01T00:00:00Z"
        #expect(withdrawn.affects(ecosystem: "PyPI", name: "demo-app", version: PackageVersion("1.4.2")).affected == false)
    }

    @Test("the proposed fix is the lowest version fixing every advisory that no advisory affects")
    func fixAcrossAdvisories() throws {
        let first = try advisory(
            #"{"id": "A-1", "affected": [{"package": {"ecosystem": "npm", "name": "lib"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}]}"#
        )
        let second = try advisory(
            #"{"id": "A-2", "affected": [{"package": {"ecosystem": "npm", "name": "lib"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.5"}]}]}]}"#
        )
        let pinned = PinnedPackage(resource: "web", ecosystem: "npm", name: "lib", version: PackageVersion("1.2.0"))
        let found = pinned.vulnerabilities(in: [first, second])
        #expect(found.ids == ["A-1", "A-2"] && found.fix == PackageVersion("1.2.5"))
        let unfixed = try advisory(
            #"{"id": "A-3", "affected": [{"package": {"ecosystem": "npm", "name": "lib"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.2.4"}]}]}]}"#
        )
        #expect(pinned.vulnerabilities(in: [first, second, unfixed]).fix == nil)
    }

    @Test("a feed is read from a file, a directory of advisories or an API answer; malformed JSON names its file")
    func feed() throws {
        let directory = Scratch.path("dharma-osv")
        try FileManager.default.createDirectory(atPath: directory + "/PyPI", withIntermediateDirectories: true)
        try #"{"id": "ONE", "affected": []}"#.write(toFile: directory + "/PyPI/ONE.json", atomically: true, encoding: .utf8)
        try #"{"vulns": [{"id": "TWO"}, {"id": "THREE"}]}"#.write(toFile: directory + "/answer.json", atomically: true, encoding: .utf8)
        var feed = AdvisoryFeed(path: directory)
        #expect(try feed.refresh())
        #expect(Set(feed.advisories.map(\.id)) == ["ONE", "TWO", "THREE"])
        #expect(try feed.refresh() == false)
        try #"{"summary": "no id"}"#.write(toFile: directory + "/broken.json", atomically: true, encoding: .utf8)
        do {
            try feed.refresh()
            Issue.record("a malformed advisory was accepted")
        } catch {
            #expect(error.description.contains("broken.json") && error.description.contains("`id` missing"), "\(error)")
        }
        #expect(feed.advisories.count == 3)
    }
}
