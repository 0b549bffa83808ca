import DharmaCore
import Foundation

/// Dharma's price and carbon catalog: list prices transcribed from the providers' public
/// price pages (see `sources`, with the month each was read), shipped as a resource.
/// `scripts/build-price-catalog.py` builds it and explains how regional prices are derived.
public struct PriceCatalog: Sendable, Decodable {
    public var currency: String
    public var hoursPerMonth: Double
    public var retrieved: String
    public var sources: [String: Source]
    public var carbon: CarbonCoefficients
    public var providers: [String: ProviderPrices]

    public struct Source: Sendable, Decodable {
        public var url: String
        public var retrieved: String
    }

    public struct ProviderPrices: Sendable, Decodable {
        public var referenceRegion: String
        public var regions: [String: Region]
        public var instances: [Instance]
        public var storage: Storage
        public var egressPerGb: Double
        public var egressSource: String
        public var loadBalancerHour: Double
        public var loadBalancerSource: String
        public var databases: Databases?
        public var services: [String: ServicePrice]
    }

    public struct Region: Sendable, Decodable {
        public var priceRatio: Double
        /// Grid carbon intensity, gCO2e per kWh.
        public var gridIntensity: Double
        /// `eu`, `us`, `apac`, `cn`: what data-residency constraints compare against.
        public var geography: String
        public var gridSource: String
        public var ratioSource: String
        /// Prices here are the reference region's times `priceRatio`, not read off the page.
        public var derived: Bool
    }

    public struct Instance: Sendable, Decodable {
        public var name: String
        public var vcpus: Double
        public var memoryGiB: Double
        /// `x86_64` or `arm64`: images are built for one of them.
        public var arch: String
        public var source: String
        public var spotSource: String?
        public var reservedSource: String?
        public var prices: [String: InstancePrice]
    }

    public struct InstancePrice: Sendable, Decodable {
        public var onDemand: Double
        public var spot: Double?
        public var reserved1y: Double?
    }

    public struct Storage: Sendable, Decodable {
        /// Per GB-month by volume class (`ssd`, `standard`, `provisioned-iops`, `throughput`).
        public var block: [String: Double]
        public var blockSource: String
        public var object: Double
        public var objectSource: String
    }

    public struct Databases: Sendable, Decodable {
        public var storagePerGbMonth: Double
        public var source: String
        public var cacheSource: String
        public var engines: [String: [DatabaseSize]]
    }

    public struct DatabaseSize: Sendable, Decodable {
        public var name: String
        public var vcpus: Double
        public var memoryGiB: Double
        public var hourly: Double
    }

    public struct ServicePrice: Sendable, Decodable {
        public var price: Double
        public var source: String
    }

    public struct CarbonCoefficients: Sendable, Decodable {
        public var common: Common
        public var providers: [String: ProviderCarbon]
        public var source: String

        public struct Common: Sendable, Decodable {
            public var memoryKwhPerGbHour: Double
            public var ssdWhPerTbHour: Double
            public var hddWhPerTbHour: Double
            public var networkKwhPerGb: Double
            public var defaultUtilisation: Double
        }

        public struct ProviderCarbon: Sendable, Decodable {
            public var minWattsPerVcpu: Double
            public var maxWattsPerVcpu: Double
            public var pue: Double
        }
    }

    /// The catalog shipped with Dharma.
    public static func bundled() throws -> PriceCatalog {
        guard let url = Bundle.module.url(forResource: "prices", withExtension: "json") else {
            throw CostError("the price catalog (prices.json) is missing from this build of Dharma")
        }
        do {
            return try JSONDecoder().decode(PriceCatalog.self, from: Data(contentsOf: url))
        } catch {
            throw CostError("the price catalog \(url.path) cannot be read: \(error)")
        }
    }

    /// The catalog's key for a provider; Oracle and Alibaba go by their blueprint names.
    public static func key(_ provider: ProviderName) -> String {
        switch provider {
        case .oracle: return "oracle"
        case .alibaba: return "alibaba"
        default: return provider.rawValue
        }
    }

    public func prices(for provider: ProviderName) -> ProviderPrices? { providers[Self.key(provider)] }

    public func sourceDescription(_ key: String) -> String {
        sources[key].map { "\($0.url), read \($0.retrieved)" } ?? key
    }
}

/// A pricing problem caused by input: an unknown region or instance type, a bad usage file.
public struct CostError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
