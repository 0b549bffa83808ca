extension RegionCatalog {
    /// `aliyun ecs DescribeRegions` and `DescribeZones`.
    static let alibaba: [Region] = [
        Region("cn-qingdao", "Qingdao", zones: ["cn-qingdao-b", "cn-qingdao-c"]),
        Region(
            "cn-beijing", "Beijing",
            zones: [
                "cn-beijing-a", "cn-beijing-b", "cn-beijing-c", "cn-beijing-d", "cn-beijing-e", "cn-beijing-f", "cn-beijing-g", "cn-beijing-h", "cn-beijing-i",
                "cn-beijing-j", "cn-beijing-k", "cn-beijing-l",
            ]),
        Region("cn-zhangjiakou", "Zhangjiakou", zones: ["cn-zhangjiakou-a", "cn-zhangjiakou-b", "cn-zhangjiakou-c"]),
        Region("cn-huhehaote", "Hohhot", zones: ["cn-huhehaote-a", "cn-huhehaote-b"]),
        Region("cn-wulanchabu", "Ulanqab", zones: ["cn-wulanchabu-a", "cn-wulanchabu-b", "cn-wulanchabu-c"]),
        Region(
            "cn-hangzhou", "Hangzhou",
            zones: ["cn-hangzhou-b", "cn-hangzhou-f", "cn-hangzhou-g", "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"]),
        Region(
            "cn-shanghai", "Shanghai",
            zones: ["cn-shanghai-a", "cn-shanghai-b", "cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g", "cn-shanghai-l", "cn-shanghai-m", "cn-shanghai-n"]),
        Region("cn-nanjing", "Nanjing", zones: ["cn-nanjing-a"]),
        Region("cn-fuzhou", "Fuzhou", zones: ["cn-fuzhou-a"]),
        Region("cn-shenzhen", "Shenzhen", zones: ["cn-shenzhen-a", "cn-shenzhen-b", "cn-shenzhen-c", "cn-shenzhen-d", "cn-shenzhen-e", "cn-shenzhen-f"]),
        Region("cn-heyuan", "Heyuan", zones: ["cn-heyuan-a", "cn-heyuan-b"]),
        Region("cn-guangzhou", "Guangzhou", zones: ["cn-guangzhou-a", "cn-guangzhou-b"]),
        Region("cn-chengdu", "Chengdu", zones: ["cn-chengdu-a", "cn-chengdu-b"]),
        Region("cn-hongkong", "Hong Kong", zones: ["cn-hongkong-b", "cn-hongkong-c", "cn-hongkong-d"]),
        Region("ap-northeast-1", "Tokyo", zones: ["ap-northeast-1-a", "ap-northeast-1-b", "ap-northeast-1-c"]),
        Region("ap-northeast-2", "Seoul", zones: ["ap-northeast-2-a"]),
        Region("ap-southeast-1", "Singapore", zones: ["ap-southeast-1-a", "ap-southeast-1-b", "ap-southeast-1-c"]),
        Region("ap-southeast-3", "Kuala Lumpur", zones: ["ap-southeast-3-a", "ap-southeast-3-b"]),
        Region("ap-southeast-5", "Jakarta", zones: ["ap-southeast-5-a", "ap-southeast-5-b", "ap-southeast-5-c"]),
        Region("ap-southeast-6", "Manila", zones: ["ap-southeast-6-a"]),
        Region("ap-southeast-7", "Bangkok", zones: ["ap-southeast-7-a"]),
        Region("us-east-1", "Virginia", zones: ["us-east-1-a", "us-east-1-b"]),
        Region("us-west-1", "Silicon Valley", zones: ["us-west-1-a", "us-west-1-b"]),
        Region("na-south-1", "Mexico", zones: ["na-south-1-a"]),
        Region("eu-west-1", "London", zones: ["eu-west-1-a", "eu-west-1-b"]),
        Region("eu-central-1", "Frankfurt", zones: ["eu-central-1-a", "eu-central-1-b", "eu-central-1-c"]),
        Region("me-east-1", "Dubai", zones: ["me-east-1-a"]),
        Region("me-central-1", "Riyadh", zones: ["me-central-1-a"]),
    ]
}
