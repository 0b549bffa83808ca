#!/usr/bin/env python3
"""Builds Sources/DharmaCost/Resources/prices.json, Dharma's price and carbon catalog.

Every number below was transcribed by hand from the public price pages named in SOURCES
(Linux, on-demand, USD) in the month given there; nothing is fetched at run time. List prices
are given for each cloud's reference region; prices in other regions are the reference price
times that region's ratio on the same page for the reference size (stated per region, and
marked "derived" in each entry). Spot and 1-year reserved prices are the on-demand price times
the typical discount stated on the provider's own page. Re-run this script after editing a
table: `python3 scripts/build-price-catalog.py`.
"""
import json, os

RETRIEVED = "2025-06"

SOURCES = {
    "aws-ec2": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "aws-spot": "https://aws.amazon.com/ec2/spot/instance-advisor/ (average savings over on-demand)",
    "aws-ri": "https://aws.amazon.com/ec2/pricing/reserved-instances/pricing/ (1-year, no upfront, standard)",
    "aws-ebs": "https://aws.amazon.com/ebs/pricing/",
    "aws-s3": "https://aws.amazon.com/s3/pricing/",
    "aws-rds": "https://aws.amazon.com/rds/postgresql/pricing/ and /rds/mysql/pricing/",
    "aws-elasticache": "https://aws.amazon.com/elasticache/pricing/",
    "aws-elb": "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "aws-egress": "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer (first 10 TB/month)",
    "aws-fargate": "https://aws.amazon.com/fargate/pricing/",
    "aws-serverless": "https://aws.amazon.com/lambda/pricing/, /sqs/pricing/, /sns/pricing/, /dynamodb/pricing/on-demand/, /secrets-manager/pricing/, /cloudwatch/pricing/, /route53/pricing/, /eks/pricing/",
    "azure-vm": "https://azure.microsoft.com/pricing/details/virtual-machines/linux/",
    "azure-spot": "https://azure.microsoft.com/pricing/spot-advisor/ (typical discount)",
    "azure-ri": "https://azure.microsoft.com/pricing/reserved-vm-instances/ (1-year)",
    "azure-disk": "https://azure.microsoft.com/pricing/details/managed-disks/",
    "azure-blob": "https://azure.microsoft.com/pricing/details/storage/blobs/",
    "azure-db": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/ and /mysql/flexible-server/",
    "azure-redis": "https://azure.microsoft.com/pricing/details/cache/",
    "azure-lb": "https://azure.microsoft.com/pricing/details/load-balancer/",
    "azure-egress": "https://azure.microsoft.com/pricing/details/bandwidth/",
    "azure-apps": "https://azure.microsoft.com/pricing/details/container-apps/, /service-bus/, /key-vault/, /kubernetes-service/, /monitor/",
    "gcp-compute": "https://cloud.google.com/compute/vm-instance-pricing",
    "gcp-spot": "https://cloud.google.com/spot-vms/pricing (typical discount)",
    "gcp-cud": "https://cloud.google.com/compute/docs/instances/committed-use-discounts-overview (1-year resource-based)",
    "gcp-disk": "https://cloud.google.com/compute/disks-image-pricing",
    "gcp-gcs": "https://cloud.google.com/storage/pricing",
    "gcp-sql": "https://cloud.google.com/sql/pricing (Enterprise edition, per vCPU and GB)",
    "gcp-memorystore": "https://cloud.google.com/memorystore/docs/redis/pricing",
    "gcp-lb": "https://cloud.google.com/vpc/network-pricing#lb",
    "gcp-egress": "https://cloud.google.com/vpc/network-pricing (premium tier, internet egress)",
    "gcp-serverless": "https://cloud.google.com/run/pricing, /functions/pricing, /pubsub/pricing, /secret-manager/pricing, /kubernetes-engine/pricing",
    "do": "https://www.digitalocean.com/pricing (monthly price / 672 h cap is not used; hourly list price)",
    "oci": "https://www.oracle.com/cloud/price-list/ (OCPU-hour + GB-hour, 1 OCPU = 2 vCPU)",
    "alibaba": "https://www.alibabacloud.com/product/ecs/pricing (pay-as-you-go, Frankfurt)",
    "ibm": "https://cloud.ibm.com/vpc-ext/provision/vs (pay-as-you-go, Frankfurt)",
    "ccf": "https://www.cloudcarbonfootprint.org/docs/methodology (coefficients) and ccf-coefficients grid factors",
}

# name, vCPUs, memory GiB, reference-region hourly price
AWS = [
    ("t3.nano", 2, 0.5, 0.0052), ("t3.micro", 2, 1, 0.0104), ("t3.small", 2, 2, 0.0208), ("t3.medium", 2, 4, 0.0416),
    ("t3.large", 2, 8, 0.0832), ("t3.xlarge", 4, 16, 0.1664), ("t3.2xlarge", 8, 32, 0.3328),
    ("t4g.nano", 2, 0.5, 0.0042), ("t4g.micro", 2, 1, 0.0084), ("t4g.small", 2, 2, 0.0168), ("t4g.medium", 2, 4, 0.0336),
    ("t4g.large", 2, 8, 0.0672), ("t4g.xlarge", 4, 16, 0.1344), ("t4g.2xlarge", 8, 32, 0.2688),
    ("m6i.large", 2, 8, 0.096), ("m6i.xlarge", 4, 16, 0.192), ("m6i.2xlarge", 8, 32, 0.384), ("m6i.4xlarge", 16, 64, 0.768),
    ("m6i.8xlarge", 32, 128, 1.536), ("m6i.12xlarge", 48, 192, 2.304), ("m6i.16xlarge", 64, 256, 3.072), ("m6i.24xlarge", 96, 384, 4.608),
    ("m6i.32xlarge", 128, 512, 6.144),
    ("m7g.medium", 1, 4, 0.0408), ("m7g.large", 2, 8, 0.0816), ("m7g.xlarge", 4, 16, 0.1632), ("m7g.2xlarge", 8, 32, 0.3264),
    ("m7g.4xlarge", 16, 64, 0.6528), ("m7g.8xlarge", 32, 128, 1.3056), ("m7g.16xlarge", 64, 256, 2.6112),
    ("c6i.large", 2, 4, 0.085), ("c6i.xlarge", 4, 8, 0.17), ("c6i.2xlarge", 8, 16, 0.34), ("c6i.4xlarge", 16, 32, 0.68),
    ("c6i.8xlarge", 32, 64, 1.36), ("c6i.16xlarge", 64, 128, 2.72),
    ("c7g.medium", 1, 2, 0.0363), ("c7g.large", 2, 4, 0.0725), ("c7g.xlarge", 4, 8, 0.145), ("c7g.2xlarge", 8, 16, 0.29), ("c7g.4xlarge", 16, 32, 0.58),
    ("r6i.large", 2, 16, 0.126), ("r6i.xlarge", 4, 32, 0.252), ("r6i.2xlarge", 8, 64, 0.504), ("r6i.4xlarge", 16, 128, 1.008),
    ("r6i.8xlarge", 32, 256, 2.016), ("r6i.16xlarge", 64, 512, 4.032),
    ("r7g.large", 2, 16, 0.1071), ("r7g.xlarge", 4, 32, 0.2142), ("r7g.2xlarge", 8, 64, 0.4284),
]
AZURE = [
    ("Standard_B1s", 1, 1, 0.0104), ("Standard_B1ms", 1, 2, 0.0207), ("Standard_B2s", 2, 4, 0.0416), ("Standard_B2ms", 2, 8, 0.0832),
    ("Standard_B4ms", 4, 16, 0.166), ("Standard_B8ms", 8, 32, 0.333),
    ("Standard_D2s_v5", 2, 8, 0.096), ("Standard_D4s_v5", 4, 16, 0.192), ("Standard_D8s_v5", 8, 32, 0.384), ("Standard_D16s_v5", 16, 64, 0.768),
    ("Standard_D32s_v5", 32, 128, 1.536), ("Standard_D48s_v5", 48, 192, 2.304), ("Standard_D64s_v5", 64, 256, 3.072), ("Standard_D96s_v5", 96, 384, 4.608),
    ("Standard_D2as_v5", 2, 8, 0.086), ("Standard_D4as_v5", 4, 16, 0.172), ("Standard_D8as_v5", 8, 32, 0.344), ("Standard_D16as_v5", 16, 64, 0.688),
    ("Standard_D32as_v5", 32, 128, 1.376),
    ("Standard_D2ps_v5", 2, 8, 0.077), ("Standard_D4ps_v5", 4, 16, 0.154), ("Standard_D8ps_v5", 8, 32, 0.308), ("Standard_D16ps_v5", 16, 64, 0.616),
    ("Standard_F2s_v2", 2, 4, 0.0846), ("Standard_F4s_v2", 4, 8, 0.169), ("Standard_F8s_v2", 8, 16, 0.338), ("Standard_F16s_v2", 16, 32, 0.677),
    ("Standard_F32s_v2", 32, 64, 1.353),
    ("Standard_E2s_v5", 2, 16, 0.126), ("Standard_E4s_v5", 4, 32, 0.252), ("Standard_E8s_v5", 8, 64, 0.504), ("Standard_E16s_v5", 16, 128, 1.008),
    ("Standard_E32s_v5", 32, 256, 2.016),
    ("Standard_E2as_v5", 2, 16, 0.113), ("Standard_E4as_v5", 4, 32, 0.226), ("Standard_E8as_v5", 8, 64, 0.452),
    ("Standard_A1_v2", 1, 2, 0.043), ("Standard_A2_v2", 2, 4, 0.091), ("Standard_A4_v2", 4, 8, 0.191), ("Standard_A8_v2", 8, 16, 0.40),
]
GCP = [
    ("e2-micro", 2, 1, 0.00838), ("e2-small", 2, 2, 0.01675), ("e2-medium", 2, 4, 0.0335),
    ("e2-standard-2", 2, 8, 0.067), ("e2-standard-4", 4, 16, 0.134), ("e2-standard-8", 8, 32, 0.268), ("e2-standard-16", 16, 64, 0.536),
    ("e2-standard-32", 32, 128, 1.072),
    ("e2-highmem-2", 2, 16, 0.0904), ("e2-highmem-4", 4, 32, 0.1808), ("e2-highmem-8", 8, 64, 0.3616), ("e2-highmem-16", 16, 128, 0.7232),
    ("e2-highcpu-2", 2, 2, 0.0495), ("e2-highcpu-4", 4, 4, 0.099), ("e2-highcpu-8", 8, 8, 0.198), ("e2-highcpu-16", 16, 16, 0.396),
    ("e2-highcpu-32", 32, 32, 0.792),
    ("n2-standard-2", 2, 8, 0.0971), ("n2-standard-4", 4, 16, 0.1942), ("n2-standard-8", 8, 32, 0.3885), ("n2-standard-16", 16, 64, 0.7769),
    ("n2-standard-32", 32, 128, 1.5539), ("n2-standard-48", 48, 192, 2.3308), ("n2-standard-64", 64, 256, 3.1078), ("n2-standard-80", 80, 320, 3.8847),
    ("n2-standard-128", 128, 512, 6.2155),
    ("n2-highmem-2", 2, 16, 0.131), ("n2-highmem-4", 4, 32, 0.262), ("n2-highmem-8", 8, 64, 0.524),
    ("n2d-standard-2", 2, 8, 0.0845), ("n2d-standard-4", 4, 16, 0.169), ("n2d-standard-8", 8, 32, 0.338), ("n2d-standard-16", 16, 64, 0.676),
    ("n2d-standard-32", 32, 128, 1.352),
    ("c3-standard-4", 4, 16, 0.2014), ("c3-standard-8", 8, 32, 0.4028), ("c3-standard-22", 22, 88, 1.1077), ("c3-standard-44", 44, 176, 2.2154),
    ("t2a-standard-1", 1, 4, 0.0385), ("t2a-standard-2", 2, 8, 0.077), ("t2a-standard-4", 4, 16, 0.154), ("t2a-standard-8", 8, 32, 0.308),
]
DO = [
    ("s-1vcpu-1gb", 1, 1, 0.00893), ("s-1vcpu-2gb", 1, 2, 0.01786), ("s-2vcpu-2gb", 2, 2, 0.02679), ("s-2vcpu-4gb", 2, 4, 0.03571),
    ("s-4vcpu-8gb", 4, 8, 0.07143), ("s-8vcpu-16gb", 8, 16, 0.14286), ("g-2vcpu-8gb", 2, 8, 0.09375), ("g-4vcpu-16gb", 4, 16, 0.1875),
    ("c-2", 2, 4, 0.0625), ("c-4", 4, 8, 0.125), ("m-2vcpu-16gb", 2, 16, 0.125), ("m-4vcpu-32gb", 4, 32, 0.25),
]
# OCI Flex shapes: price = OCPUs x OCPU-hour + GB x GB-hour
OCI_RATES = {"VM.Standard.E4.Flex": (0.025, 0.0015), "VM.Standard.E5.Flex": (0.03, 0.002), "VM.Standard.A1.Flex": (0.01, 0.0015)}
OCI = []
for shape, (ocpu, gb) in OCI_RATES.items():
    for ocpus, mem in [(1, 8), (1, 16), (2, 16), (2, 32), (4, 32), (4, 64), (8, 64), (8, 128)]:
        OCI.append((f"{shape}:{ocpus}x{mem}", ocpus * 2, mem, round(ocpus * ocpu + mem * gb, 5)))
ALIBABA = [
    ("ecs.c7.large", 2, 4, 0.0773), ("ecs.c7.xlarge", 4, 8, 0.1546), ("ecs.c7.2xlarge", 8, 16, 0.3092),
    ("ecs.g7.large", 2, 8, 0.0945), ("ecs.g7.xlarge", 4, 16, 0.189), ("ecs.g7.2xlarge", 8, 32, 0.378),
    ("ecs.r7.large", 2, 16, 0.1224), ("ecs.r7.xlarge", 4, 32, 0.2448), ("ecs.r7.2xlarge", 8, 64, 0.4896),
]
IBM = [
    ("cx2-2x4", 2, 4, 0.0826), ("cx2-4x8", 4, 8, 0.1652), ("cx2-8x16", 8, 16, 0.3304),
    ("bx2-2x8", 2, 8, 0.0998), ("bx2-4x16", 4, 16, 0.1996), ("bx2-8x32", 8, 32, 0.3992),
    ("mx2-2x16", 2, 16, 0.1311), ("mx2-4x32", 4, 32, 0.2622), ("mx2-8x64", 8, 64, 0.5244),
]

# region: (price ratio to the reference region, grid intensity gCO2e/kWh, geography)
REGIONS = {
    "aws": {"us-east-1": (1.0, 379.1, "us"), "us-west-2": (1.0, 322.2, "us"), "eu-west-1": (1.115, 278.6, "eu"),
            "eu-central-1": (1.198, 311.0, "eu"), "eu-north-1": (1.063, 8.8, "eu"), "ap-southeast-1": (1.25, 408.0, "apac"),
            "ap-northeast-1": (1.292, 465.8, "apac")},
    "azure": {"eastus": (1.0, 379.1, "us"), "westus2": (1.0, 322.2, "us"), "westeurope": (1.104, 328.0, "eu"),
              "northeurope": (1.042, 278.6, "eu"), "swedencentral": (1.042, 8.8, "eu"), "uksouth": (1.104, 225.0, "eu"),
              "southeastasia": (1.146, 408.0, "apac")},
    "gcp": {"us-central1": (1.0, 454.0, "us"), "us-east1": (1.0, 480.0, "us"), "europe-west1": (1.1, 212.0, "eu"),
            "europe-west4": (1.1, 410.0, "eu"), "europe-north1": (1.1, 127.0, "eu"), "europe-west3": (1.293, 293.0, "eu"),
            "asia-southeast1": (1.234, 408.0, "apac")},
    "digitalocean": {"nyc3": (1.0, 379.1, "us"), "sfo3": (1.0, 322.2, "us"), "ams3": (1.0, 410.0, "eu"), "fra1": (1.0, 311.0, "eu"),
                     "sgp1": (1.0, 408.0, "apac")},
    "oracle": {"us-ashburn-1": (1.0, 379.1, "us"), "eu-frankfurt-1": (1.0, 311.0, "eu"), "eu-amsterdam-1": (1.0, 410.0, "eu"),
               "uk-london-1": (1.0, 225.0, "eu"), "ap-singapore-1": (1.0, 408.0, "apac")},
    "alibaba": {"eu-central-1": (1.0, 311.0, "eu"), "eu-west-1": (1.0, 225.0, "eu"), "us-east-1": (0.92, 379.1, "us"),
                "ap-southeast-1": (1.0, 408.0, "apac"), "cn-hangzhou": (0.85, 537.0, "cn")},
    "ibm": {"eu-de": (1.0, 311.0, "eu"), "eu-gb": (1.0, 225.0, "eu"), "us-south": (0.95, 424.0, "us"), "us-east": (0.95, 379.1, "us"),
            "jp-tok": (1.08, 465.8, "apac")},
}
REFERENCE_REGION = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1", "digitalocean": "nyc3", "oracle": "us-ashburn-1",
                    "alibaba": "eu-central-1", "ibm": "eu-de"}
INSTANCE_TABLES = {"aws": (AWS, "aws-ec2"), "azure": (AZURE, "azure-vm"), "gcp": (GCP, "gcp-compute"), "digitalocean": (DO, "do"),
                   "oracle": (OCI, "oci"), "alibaba": (ALIBABA, "alibaba"), "ibm": (IBM, "ibm")}
# (spot discount, source), (1-year reserved discount, source); None where the provider has no such option
DISCOUNTS = {"aws": ((0.65, "aws-spot"), (0.37, "aws-ri")), "azure": ((0.70, "azure-spot"), (0.41, "azure-ri")),
             "gcp": ((0.70, "gcp-spot"), (0.37, "gcp-cud")), "digitalocean": (None, None), "oracle": ((0.50, "oci"), None),
             "alibaba": ((0.60, "alibaba"), (0.30, "alibaba")), "ibm": (None, (0.25, "ibm"))}

# Per GB-month in the reference region: block storage by class, object storage
STORAGE = {
    "aws": ({"ssd": 0.08, "provisioned-iops": 0.125, "throughput": 0.045, "standard": 0.015}, 0.023, "aws-ebs", "aws-s3"),
    "azure": ({"ssd": 0.154, "provisioned-iops": 0.24, "throughput": 0.075, "standard": 0.045}, 0.018, "azure-disk", "azure-blob"),
    "gcp": ({"ssd": 0.17, "provisioned-iops": 0.17, "throughput": 0.10, "standard": 0.04}, 0.020, "gcp-disk", "gcp-gcs"),
    "digitalocean": ({"ssd": 0.10, "provisioned-iops": 0.10, "throughput": 0.10, "standard": 0.10}, 0.02, "do", "do"),
    "oracle": ({"ssd": 0.0425, "provisioned-iops": 0.0595, "throughput": 0.0255, "standard": 0.0255}, 0.0255, "oci", "oci"),
    "alibaba": ({"ssd": 0.1, "provisioned-iops": 0.14, "throughput": 0.05, "standard": 0.05}, 0.0195, "alibaba", "alibaba"),
    "ibm": ({"ssd": 0.13, "provisioned-iops": 0.13, "throughput": 0.10, "standard": 0.10}, 0.022, "ibm", "ibm"),
}
EGRESS = {"aws": (0.09, "aws-egress"), "azure": (0.087, "azure-egress"), "gcp": (0.12, "gcp-egress"), "digitalocean": (0.01, "do"),
          "oracle": (0.0085, "oci"), "alibaba": (0.117, "alibaba"), "ibm": (0.09, "ibm")}
LOAD_BALANCER = {"aws": (0.0225, "aws-elb"), "azure": (0.025, "azure-lb"), "gcp": (0.025, "gcp-lb"), "digitalocean": (0.01786, "do"),
                 "oracle": (0.0113, "oci"), "alibaba": (0.0075, "alibaba"), "ibm": (0.0288, "ibm")}

# Managed databases: engine -> [(size, vCPUs, GiB, hourly single-zone)], storage per GB-month
DATABASES = {
    "aws": ({"postgres": [("db.t4g.micro", 2, 1, 0.016), ("db.t4g.small", 2, 2, 0.032), ("db.t4g.medium", 2, 4, 0.065),
                          ("db.m6g.large", 2, 8, 0.159), ("db.m6g.xlarge", 4, 16, 0.318), ("db.m6g.2xlarge", 8, 32, 0.636),
                          ("db.m6g.4xlarge", 16, 64, 1.272), ("db.m6g.8xlarge", 32, 128, 2.544), ("db.r6g.large", 2, 16, 0.225),
                          ("db.r6g.xlarge", 4, 32, 0.45)],
             "mysql": [("db.t4g.micro", 2, 1, 0.016), ("db.t4g.small", 2, 2, 0.032), ("db.t4g.medium", 2, 4, 0.065),
                       ("db.m6g.large", 2, 8, 0.152), ("db.m6g.xlarge", 4, 16, 0.304), ("db.m6g.2xlarge", 8, 32, 0.608),
                       ("db.m6g.4xlarge", 16, 64, 1.216), ("db.r6g.large", 2, 16, 0.215)],
             "redis": [("cache.t4g.micro", 2, 0.5, 0.016), ("cache.t4g.small", 2, 1.37, 0.032), ("cache.t4g.medium", 2, 3.09, 0.065),
                       ("cache.m6g.large", 2, 6.38, 0.149), ("cache.m6g.xlarge", 4, 12.93, 0.298), ("cache.m6g.2xlarge", 8, 26.04, 0.596),
                       ("cache.r6g.large", 2, 13.07, 0.206)]}, 0.115, "aws-rds", "aws-elasticache"),
    "azure": ({"postgres": [("B_Standard_B1ms", 1, 2, 0.017), ("B_Standard_B2s", 2, 4, 0.068), ("GP_Standard_D2ds_v5", 2, 8, 0.178),
                            ("GP_Standard_D4ds_v5", 4, 16, 0.356), ("GP_Standard_D8ds_v5", 8, 32, 0.712), ("GP_Standard_D16ds_v5", 16, 64, 1.424),
                            ("MO_Standard_E2ds_v5", 2, 16, 0.228)],
               "mysql": [("B_Standard_B1ms", 1, 2, 0.017), ("B_Standard_B2s", 2, 4, 0.068), ("GP_Standard_D2ds_v4", 2, 8, 0.172),
                         ("GP_Standard_D4ds_v4", 4, 16, 0.344), ("GP_Standard_D8ds_v4", 8, 32, 0.688)],
               "redis": [("C0 Basic", 1, 0.25, 0.022), ("C1 Standard", 1, 1, 0.10), ("C2 Standard", 2, 2.5, 0.166),
                         ("P1 Premium", 2, 6, 0.554), ("P2 Premium", 4, 13, 1.108), ("P3 Premium", 4, 26, 2.216)]}, 0.115, "azure-db", "azure-redis"),
    "gcp": ({"postgres": [("db-custom-1-3840", 1, 3.75, 0.0676), ("db-custom-2-7680", 2, 7.5, 0.1351), ("db-custom-4-15360", 4, 15, 0.2702),
                          ("db-custom-8-30720", 8, 30, 0.5404), ("db-custom-16-61440", 16, 60, 1.0808)],
             "mysql": [("db-custom-1-3840", 1, 3.75, 0.0676), ("db-custom-2-7680", 2, 7.5, 0.1351), ("db-custom-4-15360", 4, 15, 0.2702),
                       ("db-custom-8-30720", 8, 30, 0.5404)],
             "redis": [("basic-1gb", 1, 1, 0.049), ("basic-5gb", 1, 5, 0.135), ("standard-1gb", 1, 1, 0.064), ("standard-5gb", 1, 5, 0.185),
                       ("standard-10gb", 2, 10, 0.32)]}, 0.17, "gcp-sql", "gcp-memorystore"),
    "digitalocean": ({"postgres": [("db-s-1vcpu-1gb", 1, 1, 0.02083), ("db-s-1vcpu-2gb", 1, 2, 0.04464), ("db-s-2vcpu-4gb", 2, 4, 0.08929),
                                   ("db-s-4vcpu-8gb", 4, 8, 0.17857)],
                      "mysql": [("db-s-1vcpu-1gb", 1, 1, 0.02083), ("db-s-2vcpu-4gb", 2, 4, 0.08929), ("db-s-4vcpu-8gb", 4, 8, 0.17857)],
                      "redis": [("db-s-1vcpu-1gb", 1, 1, 0.02232), ("db-s-2vcpu-4gb", 2, 4, 0.08929)]}, 0.0, "do", "do"),
}
# Hourly or per-unit prices of managed services, reference region
SERVICES = {
    "aws": {"containerVcpuHour": (0.04048, "aws-fargate"), "containerGbHour": (0.004445, "aws-fargate"),
            "functionGbSecond": (0.0000166667, "aws-serverless"), "functionMillionRequests": (0.20, "aws-serverless"),
            "queueMillionRequests": (0.40, "aws-serverless"), "topicMillionRequests": (0.50, "aws-serverless"),
            "nosqlMillionWrites": (1.25, "aws-serverless"), "nosqlMillionReads": (0.25, "aws-serverless"), "nosqlGbMonth": (0.25, "aws-serverless"),
            "secretMonth": (0.40, "aws-serverless"), "certificateMonth": (0.0, "aws-serverless"), "alertMonth": (0.10, "aws-serverless"),
            "dnsZoneMonth": (0.50, "aws-serverless"), "clusterHour": (0.10, "aws-serverless")},
    "azure": {"containerVcpuHour": (0.0864, "azure-apps"), "containerGbHour": (0.0108, "azure-apps"), "clusterHour": (0.0, "azure-apps"),
              "secretMonth": (0.03, "azure-apps"), "alertMonth": (0.10, "azure-apps"), "dnsZoneMonth": (0.50, "azure-apps"),
              "queueNamespaceHour": (0.928, "azure-apps")},
    "gcp": {"containerVcpuHour": (0.0864, "gcp-serverless"), "containerGbHour": (0.009, "gcp-serverless"),
            "functionGbSecond": (0.0000025, "gcp-serverless"), "functionMillionRequests": (0.40, "gcp-serverless"),
            "topicMillionRequests": (0.04, "gcp-serverless"), "queueMillionRequests": (0.04, "gcp-serverless"),
            "secretMonth": (0.06, "gcp-serverless"), "clusterHour": (0.10, "gcp-serverless"), "alertMonth": (0.0, "gcp-serverless"),
            "dnsZoneMonth": (0.20, "gcp-serverless")},
    "digitalocean": {"clusterHour": (0.0, "do")},
}

# Cloud Carbon Footprint coefficients
CARBON = {
    "aws": {"minWattsPerVcpu": 0.74, "maxWattsPerVcpu": 3.5, "pue": 1.135},
    "gcp": {"minWattsPerVcpu": 0.71, "maxWattsPerVcpu": 4.26, "pue": 1.1},
    "azure": {"minWattsPerVcpu": 0.78, "maxWattsPerVcpu": 3.76, "pue": 1.185},
}
CARBON_COMMON = {"memoryKwhPerGbHour": 0.000392, "ssdWhPerTbHour": 1.2, "hddWhPerTbHour": 0.65, "networkKwhPerGb": 0.001,
                 "defaultUtilisation": 0.5}


ARM = ("t4g.", "m7g.", "c7g.", "r7g.", "Standard_D2ps", "Standard_D4ps", "Standard_D8ps", "Standard_D16ps", "t2a-", "VM.Standard.A1")


def arch(name):
    return "arm64" if name.startswith(ARM) else "x86_64"


def round_price(value):
    return float(f"{value:.6g}")


def main():
    catalog = {"currency": "USD", "hoursPerMonth": 730, "retrieved": RETRIEVED,
               "sources": {key: {"url": url, "retrieved": RETRIEVED} for key, url in SOURCES.items()},
               "carbon": {"common": CARBON_COMMON, "providers": CARBON, "source": "ccf"}, "providers": {}}
    for provider, regions in REGIONS.items():
        reference = REFERENCE_REGION[provider]
        table, source = INSTANCE_TABLES[provider]
        spot, reserved = DISCOUNTS[provider]
        entry = {"referenceRegion": reference, "regions": {}, "instances": [], "storage": {}, "services": {}}
        for region, (ratio, grid, geography) in regions.items():
            entry["regions"][region] = {"priceRatio": ratio, "gridIntensity": grid, "geography": geography,
                                        "gridSource": "ccf", "ratioSource": source,
                                        "derived": region != reference}
        for name, vcpus, memory, hourly in table:
            prices = {}
            for region, (ratio, _, _) in regions.items():
                onDemand = round_price(hourly * ratio)
                prices[region] = {"onDemand": onDemand}
                if spot:
                    prices[region]["spot"] = round_price(onDemand * (1 - spot[0]))
                if reserved:
                    prices[region]["reserved1y"] = round_price(onDemand * (1 - reserved[0]))
            entry["instances"].append({"name": name, "vcpus": vcpus, "memoryGiB": memory, "arch": arch(name), "source": source,
                                       "spotSource": spot[1] if spot else None, "reservedSource": reserved[1] if reserved else None,
                                       "prices": prices})
        block, objectPrice, blockSource, objectSource = STORAGE[provider]
        entry["storage"] = {"block": block, "blockSource": blockSource, "object": objectPrice, "objectSource": objectSource}
        entry["egressPerGb"], entry["egressSource"] = EGRESS[provider]
        entry["loadBalancerHour"], entry["loadBalancerSource"] = LOAD_BALANCER[provider]
        if provider in DATABASES:
            engines, dbStorage, dbSource, cacheSource = DATABASES[provider]
            entry["databases"] = {"storagePerGbMonth": dbStorage, "source": dbSource, "cacheSource": cacheSource,
                                  "engines": {engine: [{"name": n, "vcpus": v, "memoryGiB": m, "hourly": h} for n, v, m, h in sizes]
                                              for engine, sizes in engines.items()}}
        entry["services"] = {key: {"price": price, "source": src} for key, (price, src) in SERVICES.get(provider, {}).items()}
        catalog["providers"][provider] = entry
    path = os.path.join(os.path.dirname(__file__), "..", "Sources", "DharmaCost", "Resources", "prices.json")
    with open(path, "w") as f:
        json.dump(catalog, f, indent=1, sort_keys=True)
        f.write("\n")
    print(path, sum(len(p["instances"]) for p in catalog["providers"].values()), "instance types")


main()
