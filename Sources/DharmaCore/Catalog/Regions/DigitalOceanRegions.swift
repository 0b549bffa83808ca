extension RegionCatalog {
    /// `doctl compute region list`; DigitalOcean has no zones within a region.
    static let digitalocean: [Region] = [
        Region("nyc1", "New York"),
        Region("nyc2", "New York"),
        Region("nyc3", "New York"),
        Region("sfo1", "San Francisco"),
        Region("sfo2", "San Francisco"),
        Region("sfo3", "San Francisco"),
        Region("ams2", "Amsterdam"),
        Region("ams3", "Amsterdam"),
        Region("sgp1", "Singapore"),
        Region("lon1", "London"),
        Region("fra1", "Frankfurt"),
        Region("tor1", "Toronto"),
        Region("blr1", "Bangalore"),
        Region("syd1", "Sydney"),
        Region("atl1", "Atlanta"),
    ]
}
