import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaCost

func loadBlueprint(_ yaml: String) throws -> Blueprint {
    let directory = Scratch.directory("dharma-cost")
    let path = directory + "/blueprint.yaml"
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let loaded = BlueprintLoader().load(path: path)
    return try #require(loaded.blueprint, "\(loaded.diagnostics.map(\.message))")
}

func advise(_ yaml: String) throws -> [PlacementOptimizer.Advice] {
    let blueprint = try loadBlueprint(yaml)
    let catalog = try #require(catalog)
    let resources = try StackPricing.resources(of: blueprint, variables: [:])
    return PlacementOptimizer(catalog: catalog, constraints: try PlacementConstraints.of(blueprint)).advise(resources)
}

@Suite struct PlacementTests {
    static let edge = """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata:
          name: edge
          placement: {providers: [aws, azure, gcp], residency: eu, latency: global}
        target: {provider: aws, region: eu-central-1}
        resources:
          batch:
            type: compute.vm
            properties: {image: ubuntu-24.04, cpu: 4, memory: 16Gi, disk: 50Gi}
          archive: {type: storage.bucket}
        """

    @Test func cheapestAndGreenestRespectResidencyAndBeatTheBlueprint() throws {
        let catalog = try #require(catalog)
        let advice = try advise(Self.edge)
        let batch = try #require(advice.first { $0.resource == "batch" })
        #expect(batch.considered > 10, "several clouds and regions were priced")
        for option in [batch.cheapest, batch.greenest] {
            #expect(catalog.prices(for: option.provider)?.regions[option.region]?.geography == "eu")
        }
        #expect((batch.cheapest.cost.monthly ?? .infinity) < (batch.asWritten.monthly ?? 0))
        #expect((batch.greenest.cost.carbonKg ?? .infinity) < (batch.asWritten.carbonKg ?? 0) / 10)
        #expect((batch.greenest.cost.carbonKg ?? .infinity) <= (batch.cheapest.cost.carbonKg ?? .infinity))
        let mix = try #require(batch.mix)
        #expect(mix.reserved == 1 && mix.spot == 0 && mix.monthly < mix.onDemandMonthly)
        #expect(mix.risk.contains("1-year commitment"))
    }

    @Test func connectedResourcesMoveTogetherAndZonesPinTheRegion() throws {
        let advice = try advise(
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: app}
            target: {provider: aws, region: eu-central-1}
            resources:
              db: {type: database.postgres, properties: {cpu: 2, memory: 8Gi}}
              api: {type: compute.service, properties: {image: "x:1", env: {DB: "${db.endpoint}"}}}
              pinned: {type: storage.volume, properties: {size: 100Gi, zone: eu-central-1a}}
            """)
        let db = try #require(advice.first { $0.resource == "db" })
        let api = try #require(advice.first { $0.resource == "api" })
        #expect(db.cheapest.region == api.cheapest.region && db.cheapest.provider == api.cheapest.provider)
        #expect(db.cheapest.region != "eu-central-1", "Frankfurt is the dearest EU region in the catalog")
        #expect(db.notes.contains { $0.contains("moves with db, api") })
        let pinned = try #require(advice.first { $0.resource == "pinned" })
        #expect(pinned.cheapest.region == "eu-central-1")
        #expect(pinned.notes.contains { $0.contains("availability zone") })
    }

    @Test func writtenBlueprintMovesOnlyWhatSavesAndStaysValid() throws {
        let blueprint = try loadBlueprint(Self.edge)
        let text = try String(contentsOfFile: blueprint.path, encoding: .utf8)
        let rewritten = try PlacementWriter.rewrite(text, blueprint: blueprint, moves: [.init(resource: "batch", provider: .azure, region: "swedencentral")])
        #expect(rewritten.contains("  batch:\n    type: compute.vm\n    provider: azure\n    region: swedencentral\n    properties:"))
        let reloaded = try loadBlueprint(rewritten)
        #expect(reloaded.resource(named: "batch")?.provider == .azure)
        #expect(reloaded.resource(named: "archive")?.provider == nil)
        #expect(throws: CostError.self) {
            try PlacementWriter.rewrite(text, blueprint: blueprint, moves: [.init(resource: "archive", provider: .gcp, region: "europe-west1")])
        }
    }

    @Test func badConstraintsAreErrorsNamingTheChoices() throws {
        let blueprint = try loadBlueprint(
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: x, placement: {residency: europe}}
            target: {provider: aws, region: eu-west-1}
            resources:
              b: {type: storage.bucket}
            """)
        do {
            _ = try PlacementConstraints.of(blueprint)
            Issue.record("residency: europe was accepted")
        } catch {
            #expect(error.message.contains("eu, us, apac, cn"))
        }
    }
}
