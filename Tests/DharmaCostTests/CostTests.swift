import DharmaCore
import Foundation
import Testing

@testable import DharmaCost

let catalog: PriceCatalog? = try? PriceCatalog.bundled()

func estimate(_ type: String, _ inputs: [String: Value], provider: ProviderName = .aws, region: String = "us-east-1", usage: Usage? = nil) throws
    -> ResourceCost
{
    let catalog = try #require(catalog)
    return CostEstimator(catalog: catalog).estimate(PricedResource(name: "r", type: type, provider: provider, region: region, inputs: inputs, usage: usage))
}

@Suite struct PriceCatalogTests {
    @Test func bigThreeHaveAtLeastFortySizesInFiveRegionsWithSources() throws {
        let catalog = try #require(catalog)
        for provider in [ProviderName.aws, .azure, .gcp] {
            let prices = try #require(catalog.prices(for: provider))
            #expect(prices.instances.count >= 40, "\(provider)")
            #expect(prices.regions.count >= 5, "\(provider)")
            for instance in prices.instances {
                #expect(catalog.sources[instance.source] != nil, "\(instance.name) names an unknown source")
                #expect(instance.prices.keys.count == prices.regions.count, "\(instance.name) lacks a region")
                #expect(instance.prices.values.allSatisfy { $0.onDemand > 0 && ($0.spot ?? 1) > 0 && ($0.spot ?? 0) < $0.onDemand })
            }
            #expect(prices.databases?.engines.keys.sorted() == ["mysql", "postgres", "redis"])
        }
        for provider in [ProviderName.digitalocean, .oracle, .alibaba, .ibm] {
            #expect((catalog.prices(for: provider)?.instances.count ?? 0) >= 8, "\(provider)")
        }
        #expect(catalog.sources.values.allSatisfy { $0.url.hasPrefix("https://") && !$0.retrieved.isEmpty })
    }
}

@Suite struct CostEstimatorTests {
    @Test func abstractSizeBecomesTheCheapestInstanceThatFits() throws {
        let cost = try estimate("compute.vm", ["image": "ubuntu-24.04", "cpu": 2, "memory": "8Gi", "disk": "20Gi"])
        // t3.large (2 vCPU, 8 GiB) at $0.0832/h undercuts m6i.large; the cheaper Arm t4g.large
        // is not chosen on its own, since an x86 image would not boot on it.
        #expect(cost.choice == "t3.large on-demand")
        let expected = 0.0832 * 730 + 20 * 0.08
        #expect(abs((cost.monthly ?? 0) - expected) < 0.001)
        #expect(cost.assumptions.contains { $0.contains("cheapest x86-64 type with ≥ 2 vCPU and ≥ 8 GiB") })
        let arm = try estimate("compute.vm", ["image": "ubuntu-24.04", "size": "t4g.large", "disk": "20Gi"])
        #expect(arm.choice == "t4g.large on-demand", "an Arm type named in `size` is used")
    }

    @Test func spotAndHighAvailabilityChangeThePrice() throws {
        let onDemand = try estimate("compute.vm", ["image": "x", "size": "m6i.large", "disk": "20Gi"])
        let spot = try estimate("compute.vm", ["image": "x", "size": "m6i.large", "disk": "20Gi", "spot": true])
        #expect(spot.choice == "m6i.large spot")
        #expect(abs(((onDemand.monthly ?? 0) - 1.6) * 0.35 - ((spot.monthly ?? 0) - 1.6)) < 0.01)
        let single = try estimate("database.postgres", ["cpu": 2, "memory": "8Gi", "storage": "100Gi"])
        let replicated = try estimate("database.postgres", ["cpu": 2, "memory": "8Gi", "storage": "100Gi", "highAvailability": true])
        #expect(single.choice == "db.m6g.large")
        #expect(abs((single.monthly ?? 0) - (0.159 * 730 + 100 * 0.115)) < 0.001)
        #expect(abs((replicated.monthly ?? 0) - 2 * (single.monthly ?? 0)) < 0.001)
    }

    @Test func regionalPricesUseTheStatedRatio() throws {
        let reference = try estimate("storage.volume", ["size": "100Gi", "class": "ssd"])
        let frankfurt = try estimate("storage.volume", ["size": "100Gi", "class": "ssd"], region: "eu-central-1")
        #expect(abs((frankfurt.monthly ?? 0) - (reference.monthly ?? 0) * 1.198) < 0.001)
        #expect(frankfurt.regionNote?.contains("× 1.198") == true)
    }

    @Test func unknownInstanceTypeAndRegionAreErrorsNamingTheNearestChoice() throws {
        let typo = try estimate("compute.vm", ["image": "x", "size": "m6i.larg"])
        #expect(typo.monthly == nil)
        #expect(typo.problem?.message.contains("`m6i.larg`") == true)
        #expect(typo.problem?.message.contains("m6i.large") == true)
        let region = try estimate("storage.volume", ["size": "10Gi"], region: "eu-west-9")
        #expect(region.problem?.message.contains("eu-west-1") == true)
        #expect(region.unknownReason?.contains("eu-west-9") == true)
        // A real region the catalog does not price is unknown, not a mistake to fix.
        let unpriced = try estimate("storage.volume", ["size": "10Gi"], region: "ap-southeast-7")
        #expect(unpriced.problem == nil && unpriced.monthly == nil)
        #expect(unpriced.unknownReason?.hasPrefix("aws region `ap-southeast-7` has no prices in the catalog, which prices ") == true)
    }

    @Test func pricesTheCatalogLacksAreUnknownWithAReasonNotGuessed() throws {
        let warehouse = try estimate("data.warehouse", ["size": "small"], provider: .snowflake, region: "aws-eu-central-1")
        #expect(warehouse.monthly == nil)
        #expect(warehouse.unknownReason?.contains("credits") == true)
        let cdn = try estimate("network.cdn", ["origin": "example.com"])
        #expect(cdn.monthly == nil && cdn.unknownReason != nil)
        let estimateWithUnknown = CostEstimate(currency: "USD", resources: [warehouse, try estimate("storage.volume", ["size": "10Gi"])])
        #expect(abs(estimateWithUnknown.total - 0.8) < 0.0001)
        #expect(estimateWithUnknown.unknown.map(\.name) == ["r"])
    }

    @Test func usageDrivesUsagePricedItemsAndDefaultsAreStated() throws {
        let assumed = try estimate("storage.bucket", [:])
        #expect(assumed.assumptions.contains { $0.contains("assumed 100 GB stored") })
        var usage = Usage()
        usage.storageGB = 500
        usage.egressGB = 200
        let measured = try estimate("storage.bucket", [:], usage: usage)
        #expect(abs((measured.monthly ?? 0) - (500 * 0.023 + 200 * 0.09)) < 0.001)
        #expect(!measured.assumptions.contains { $0.contains("assumed") })
    }

    @Test func carbonFollowsTheCloudCarbonFootprintFormula() throws {
        var usage = Usage()
        usage.utilisation = 0.5
        let cost = try estimate("compute.vm", ["image": "x", "size": "m6i.large", "disk": "20Gi"], usage: usage)
        // 2 vCPU × 730 h × (0.74 + 0.5 × (3.5 − 0.74)) W, 8 GB × 730 h × 0.000392 kWh,
        // 20/1024 TB × 730 h × 1.2 Wh; all × PUE 1.135; × 379.1 g/kWh (us-east-1).
        let kwh = (2 * 730 * (0.74 + 0.5 * (3.5 - 0.74)) / 1000 + 8 * 730 * 0.000392 + 20.0 / 1024 * 730 * 1.2 / 1000) * 1.135
        #expect(abs((cost.energyKwh ?? 0) - kwh) < 1e-9)
        #expect(abs((cost.carbonKg ?? 0) - kwh * 379.1 / 1000) < 1e-9)
        let greener = try estimate("compute.vm", ["image": "x", "size": "m6i.large", "disk": "20Gi"], region: "eu-north-1", usage: usage)
        #expect((greener.carbonKg ?? 1) < (cost.carbonKg ?? 0) / 20, "Sweden's grid is ~40× cleaner than Virginia's")
    }

    @Test func localResourcesCostNothing() throws {
        let cost = try estimate("compute.service", ["command": .list(["sleep"]), "replicas": 3], provider: .local, region: "local-1")
        #expect(cost.monthly == 0)
    }
}

@Suite struct UsageAndBudgetTests {
    @Test func badUsageNamesTheFieldAndPlace() {
        #expect(throws: CostError.self) { try Usage.parse(.map(["storageGB": .string("lots")]), at: "usage.yaml:3:5") }
        do {
            _ = try Usage.parse(.map(["storageGb": .int(5)]), at: "u")
            Issue.record("a misspelt field was accepted")
        } catch {
            #expect(error.message.contains("storageGB"))
        }
        #expect(throws: CostError.self) { try Usage.parse(.map(["hoursPerMonth": .int(1000)]), at: "u") }
        let percent = try? Usage.parse(.map(["utilisation": .string("35%")]), at: "u")
        #expect(percent?.utilisation == 0.35)
    }
}
