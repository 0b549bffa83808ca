extension RegionCatalog {
    /// `ibmcloud is regions` and `ibmcloud is zones` (VPC multizone regions).
    static let ibm: [Region] = [
        Region("us-south", "Dallas", zones: ["us-south-1", "us-south-2", "us-south-3"]),
        Region("us-east", "Washington DC", zones: ["us-east-1", "us-east-2", "us-east-3"]),
        Region("ca-tor", "Toronto", zones: ["ca-tor-1", "ca-tor-2", "ca-tor-3"]),
        Region("ca-mon", "Montreal", zones: ["ca-mon-1", "ca-mon-2", "ca-mon-3"]),
        Region("br-sao", "São Paulo", zones: ["br-sao-1", "br-sao-2", "br-sao-3"]),
        Region("eu-gb", "London", zones: ["eu-gb-1", "eu-gb-2", "eu-gb-3"]),
        Region("eu-de", "Frankfurt", zones: ["eu-de-1", "eu-de-2", "eu-de-3"]),
        Region("eu-es", "Madrid", zones: ["eu-es-1", "eu-es-2", "eu-es-3"]),
        Region("jp-tok", "Tokyo", zones: ["jp-tok-1", "jp-tok-2", "jp-tok-3"]),
        Region("jp-osa", "Osaka", zones: ["jp-osa-1", "jp-osa-2", "jp-osa-3"]),
        Region("au-syd", "Sydney", zones: ["au-syd-1", "au-syd-2", "au-syd-3"]),
    ]
}
