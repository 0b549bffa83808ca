import DharmaCore

/// Cloud Carbon Footprint's operational-emissions method: energy from vCPU-hours (between the
/// provider's idle and full-load watts per vCPU), memory, storage and network, times the data
/// centre's PUE, times the grid's carbon intensity. Embodied emissions are not included.
public struct CarbonModel: Sendable {
    public var catalog: PriceCatalog

    public init(catalog: PriceCatalog) { self.catalog = catalog }

    public struct Load: Sendable {
        public var vcpuHours: Double = 0
        public var memoryGBHours: Double = 0
        public var ssdTBHours: Double = 0
        public var hddTBHours: Double = 0
        public var networkGB: Double = 0
        public var utilisation: Double?

        public init() {}
    }

    /// Coefficients for providers CCF publishes; the mean of the three for the others.
    public func coefficients(for provider: ProviderName) -> (PriceCatalog.CarbonCoefficients.ProviderCarbon, estimated: Bool) {
        if let known = catalog.carbon.providers[PriceCatalog.key(provider)] { return (known, false) }
        let all = Array(catalog.carbon.providers.values)
        let count = Double(max(1, all.count))
        return (
            .init(
                minWattsPerVcpu: all.map(\.minWattsPerVcpu).reduce(0, +) / count,
                maxWattsPerVcpu: all.map(\.maxWattsPerVcpu).reduce(0, +) / count,
                pue: all.map(\.pue).reduce(0, +) / count), true
        )
    }

    /// kWh and kgCO2e per month, or nil with the reason when the region's grid is unknown.
    public func emissions(_ load: Load, provider: ProviderName, region: String) -> (kwh: Double, kg: Double, note: String?)? {
        guard let grid = catalog.prices(for: provider)?.regions[region]?.gridIntensity else { return nil }
        let (coefficients, estimated) = coefficients(for: provider)
        let common = catalog.carbon.common
        let utilisation = load.utilisation ?? common.defaultUtilisation
        let watts = coefficients.minWattsPerVcpu + utilisation * (coefficients.maxWattsPerVcpu - coefficients.minWattsPerVcpu)
        let compute = load.vcpuHours * watts / 1000
        let memory = load.memoryGBHours * common.memoryKwhPerGbHour
        let storage = (load.ssdTBHours * common.ssdWhPerTbHour + load.hddTBHours * common.hddWhPerTbHour) / 1000
        let network = load.networkGB * common.networkKwhPerGb
        let kwh = (compute + memory + storage + network) * coefficients.pue
        let note = estimated ? "CCF publishes no coefficients for \(provider.rawValue); used the mean of AWS, GCP and Azure" : nil
        return (kwh, kwh * grid / 1000, note)
    }
}
