import Foundation
import Testing

@testable import DharmaPolicy

@Suite struct CloudFormationTests {
    @Test func shortFormTagsAndJSONTemplatesMapOntoTheCommonModel() throws {
        let directory = try tree([
            "app.yaml": """
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              Encrypt: {Type: String}
            Resources:
              Open:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: web
                  VpcId: !Ref Vpc
                  SecurityGroupIngress:
                    - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
              Closed:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: db
                  SecurityGroupIngress:
                    - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !GetAtt Open.GroupId}
              Db:
                Type: AWS::RDS::DBInstance
                Properties:
                  StorageEncrypted: !Ref Encrypt
                  PubliclyAccessible: true
            """,
            "data.json": #"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}}}}"#,
            "not-a-template.yaml": "name: something else\n",
        ])
        let result = PolicyScanner().scan([directory])
        #expect(result.problems.isEmpty, "\(result.problems)")
        let rules = try RuleLoader.builtIn()
        let findings = PolicyEngine(rules: rules).evaluate(result.resources, today: "2026-01-01")
        func verdict(_ rule: String, _ address: String) -> Verdict? {
            findings.first { $0.rule.id == rule && $0.resource.address == address }?.verdict
        }
        #expect(verdict("DH-NET-22", "Open") == .fail)
        #expect(verdict("DH-NET-22", "Closed") == .pass)
        #expect(verdict("DH-DB-PUBLIC", "Db") == .fail)
        #expect(verdict("DH-DB-ENCRYPTION", "Db") == .unknown, "a parameter without a default is not known")
        #expect(verdict("DH-BKT-VERSIONING", "Logs") == .pass)
        #expect(findings.first { $0.resource.address == "Open" }?.resource.line == 6)
    }

    @Test func brokenTemplatesAreReportedAndOthersStillScanned() throws {
        let directory = try tree([
            "broken.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: {Type: AWS::S3::Bucket\n",
            "ok.yaml": "Resources:\n  B:\n    Type: AWS::EC2::Volume\n    Properties: {Encrypted: false}\n",
        ])
        let result = PolicyScanner().scan([directory])
        #expect(result.resources.map(\.address) == ["B"])
        #expect(result.problems.count == 1 && result.problems[0].file.hasSuffix("broken.yaml"))
    }
}

@Suite struct TerraformRuleTests {
    @Test func keyRotationMFADeleteAndPostgresFlagsAreChecked() throws {
        let directory = try tree([
            "main.tf": """
            resource "aws_kms_key" "rotated" { enable_key_rotation = true }
            resource "aws_kms_key" "static" {}
            resource "aws_s3_bucket" "guarded" {
              bucket = "guarded"
              versioning {
                enabled    = true
                mfa_delete = true
              }
            }
            resource "google_sql_database_instance" "pg" {
              database_version = "POSTGRES_16"
              settings {
                tier = "db-custom-2-7680"
                ip_configuration { ssl_mode = "ENCRYPTED_ONLY" }
                database_flags {
                  name  = "log_connections"
                  value = "on"
                }
              }
            }
            """
        ])
        let result = PolicyScanner().scan([directory])
        let findings = PolicyEngine(rules: try RuleLoader.builtIn()).evaluate(result.resources, today: "2026-01-01")
        func verdict(_ rule: String, _ address: String) -> Verdict? {
            findings.first { $0.rule.id == rule && $0.resource.address == address }?.verdict
        }
        #expect(verdict("DH-KEY-ROTATION", "aws_kms_key.rotated") == .pass)
        #expect(verdict("DH-KEY-ROTATION", "aws_kms_key.static") == .fail)
        #expect(verdict("DH-BKT-MFA-DELETE", "aws_s3_bucket.guarded") == .pass)
        #expect(verdict("DH-PG-LOG-CONNECTIONS", "google_sql_database_instance.pg") == .pass)
        #expect(verdict("DH-PG-LOG-DISCONNECTIONS", "google_sql_database_instance.pg") == .fail)
        #expect(verdict("DH-DB-TLS", "google_sql_database_instance.pg") == .pass)
        #expect(verdict("DH-BKT-PAB", "google_sql_database_instance.pg") == nil)
    }
}
