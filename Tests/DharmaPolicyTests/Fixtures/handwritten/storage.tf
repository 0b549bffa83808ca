# Written for the live comparison with Checkov: buckets, volumes and databases.

variable "encrypt" {
  default = true
}

resource "aws_s3_bucket" "split_suspended" {
  bucket = "split-suspended"
}

resource "aws_s3_bucket_versioning" "split_suspended" {
  bucket = aws_s3_bucket.split_suspended.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket" "kms" {
  bucket = "kms"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "kms" {
  bucket = aws_s3_bucket.kms.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "kms" {
  bucket                  = aws_s3_bucket.kms.id
  block_public_acls       = true
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_acl" "kms" {
  bucket = aws_s3_bucket.kms.id
  acl    = "private"
}

resource "aws_s3_bucket" "public_website" {
  bucket = "site"
  acl    = "public-read"
}

resource "aws_ebs_volume" "from_variable" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.encrypt
}

resource "aws_db_instance" "conditional" {
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  storage_encrypted = var.encrypt ? true : false
}

resource "google_storage_bucket" "both" {
  name                        = "both"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

resource "google_storage_bucket" "inherited" {
  name                     = "inherited"
  location                 = "EU"
  public_access_prevention = "inherited"
}

resource "azurerm_storage_account" "legacy_names" {
  name                      = "legacy"
  resource_group_name       = "rg"
  location                  = "westeurope"
  account_tier              = "Standard"
  account_replication_type  = "GRS"
  enable_https_traffic_only = false
  allow_nested_items_to_be_public = false
}

resource "aws_iam_policy" "encoded" {
  name = "encoded"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["*"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy" "scoped" {
  name = "scoped"
  role = "r"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}

resource "aws_cloudtrail" "off" {
  name           = "off"
  s3_bucket_name = "logs"
  enable_logging = false
}

resource "aws_vpc" "watched" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "watched" {
  vpc_id       = aws_vpc.watched.id
  traffic_type = "ALL"
}

resource "aws_vpc" "unwatched" {
  cidr_block = "10.1.0.0/16"
}
