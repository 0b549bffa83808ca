/// Terraform resource types of the aws, azurerm and google mappings and their Pulumi tokens.
/// Pulumi's aws, azure (classic) and gcp providers are bridged from those Terraform providers,
/// so the resources and their attributes are the same ones under Pulumi names.
enum PulumiTokens {
    static let resources: [String: String] = [
        "random_password": "random:RandomPassword",
        // aws
        "aws_vpc": "aws:ec2:Vpc", "aws_default_security_group": "aws:ec2:DefaultSecurityGroup", "aws_flow_log": "aws:ec2:FlowLog",
        "aws_subnet": "aws:ec2:Subnet", "aws_security_group": "aws:ec2:SecurityGroup", "aws_instance": "aws:ec2:Instance",
        "aws_lb": "aws:lb:LoadBalancer", "aws_lb_target_group": "aws:lb:TargetGroup", "aws_lb_listener": "aws:lb:Listener",
        "aws_wafv2_web_acl": "aws:wafv2:WebAcl", "aws_wafv2_web_acl_association": "aws:wafv2:WebAclAssociation",
        "aws_wafv2_web_acl_logging_configuration": "aws:wafv2:WebAclLoggingConfiguration",
        "aws_cloudwatch_log_group": "aws:cloudwatch:LogGroup", "aws_cloudwatch_metric_alarm": "aws:cloudwatch:MetricAlarm",
        "aws_route53_zone": "aws:route53:Zone", "aws_route53_record": "aws:route53:Record",
        "aws_s3_bucket": "aws:s3:BucketV2", "aws_s3_bucket_ownership_controls": "aws:s3:BucketOwnershipControls",
        "aws_s3_bucket_public_access_block": "aws:s3:BucketPublicAccessBlock", "aws_s3_bucket_versioning": "aws:s3:BucketVersioningV2",
        "aws_s3_bucket_server_side_encryption_configuration": "aws:s3:BucketServerSideEncryptionConfigurationV2",
        "aws_s3_bucket_logging": "aws:s3:BucketLoggingV2", "aws_s3_bucket_lifecycle_configuration": "aws:s3:BucketLifecycleConfigurationV2",
        "aws_s3_bucket_notification": "aws:s3:BucketNotification", "aws_s3_bucket_policy": "aws:s3:BucketPolicy",
        "aws_ebs_volume": "aws:ebs:Volume", "aws_db_parameter_group": "aws:rds:ParameterGroup", "aws_db_subnet_group": "aws:rds:SubnetGroup",
        "aws_db_instance": "aws:rds:Instance", "aws_dynamodb_table": "aws:dynamodb:Table",
        "aws_elasticache_replication_group": "aws:elasticache:ReplicationGroup", "aws_sqs_queue": "aws:sqs:Queue",
        "aws_sns_topic": "aws:sns:Topic", "aws_sns_topic_subscription": "aws:sns:TopicSubscription",
        "aws_redshiftserverless_namespace": "aws:redshiftserverless:Namespace", "aws_redshiftserverless_workgroup": "aws:redshiftserverless:Workgroup",
        "aws_acm_certificate": "aws:acm:Certificate", "aws_secretsmanager_secret": "aws:secretsmanager:Secret",
        "aws_iam_role": "aws:iam:Role", "aws_iam_role_policy": "aws:iam:RolePolicy", "aws_iam_role_policy_attachment": "aws:iam:RolePolicyAttachment",
        "aws_ecs_cluster": "aws:ecs:Cluster", "aws_ecs_task_definition": "aws:ecs:TaskDefinition", "aws_ecs_service": "aws:ecs:Service",
        "aws_lambda_function": "aws:lambda:Function", "aws_lambda_function_url": "aws:lambda:FunctionUrl",
        "aws_eks_cluster": "aws:eks:Cluster", "aws_eks_node_group": "aws:eks:NodeGroup",
        "aws_cloudfront_distribution": "aws:cloudfront:Distribution", "aws_kms_key": "aws:kms:Key",
        // azure (classic)
        "azurerm_resource_group": "azure:core:ResourceGroup", "azurerm_virtual_network": "azure:network:VirtualNetwork",
        "azurerm_subnet": "azure:network:Subnet", "azurerm_subnet_network_security_group_association": "azure:network:SubnetNetworkSecurityGroupAssociation",
        "azurerm_network_security_group": "azure:network:NetworkSecurityGroup", "azurerm_public_ip": "azure:network:PublicIp",
        "azurerm_network_interface": "azure:network:NetworkInterface",
        "azurerm_lb": "azure:lb:LoadBalancer", "azurerm_lb_backend_address_pool": "azure:lb:BackendAddressPool",
        "azurerm_lb_probe": "azure:lb:Probe", "azurerm_lb_rule": "azure:lb:Rule",
        "azurerm_dns_zone": "azure:dns:Zone", "azurerm_private_dns_zone": "azure:privatedns:Zone",
        "azurerm_storage_account": "azure:storage:Account", "azurerm_storage_account_customer_managed_key": "azure:storage:CustomerManagedKey",
        "azurerm_storage_container": "azure:storage:Container", "azurerm_monitor_diagnostic_setting": "azure:monitoring:DiagnosticSetting",
        "azurerm_managed_disk": "azure:compute:ManagedDisk", "azurerm_disk_encryption_set": "azure:compute:DiskEncryptionSet",
        "azurerm_linux_virtual_machine": "azure:compute:LinuxVirtualMachine",
        "azurerm_postgresql_flexible_server": "azure:postgresql:FlexibleServer",
        "azurerm_postgresql_flexible_server_configuration": "azure:postgresql:FlexibleServerConfiguration",
        "azurerm_mysql_flexible_server": "azure:mysql:FlexibleServer", "azurerm_mysql_flexible_server_configuration": "azure:mysql:FlexibleServerConfiguration",
        "azurerm_cosmosdb_account": "azure:cosmosdb:Account", "azurerm_redis_cache": "azure:redis:Cache",
        "azurerm_servicebus_namespace": "azure:servicebus:Namespace", "azurerm_servicebus_queue": "azure:servicebus:Queue",
        "azurerm_servicebus_topic": "azure:servicebus:Topic",
        "azurerm_key_vault": "azure:keyvault:KeyVault", "azurerm_key_vault_key": "azure:keyvault:Key",
        "azurerm_key_vault_secret": "azure:keyvault:Secret", "azurerm_key_vault_certificate": "azure:keyvault:Certificate",
        "azurerm_user_assigned_identity": "azure:authorization:UserAssignedIdentity", "azurerm_monitor_metric_alert": "azure:monitoring:MetricAlert",
        "azurerm_container_app": "azure:containerapp:App", "azurerm_container_app_environment": "azure:containerapp:Environment",
        "azurerm_kubernetes_cluster": "azure:containerservice:KubernetesCluster",
        "azurerm_log_analytics_workspace": "azure:operationalinsights:AnalyticsWorkspace",
        "azurerm_service_plan": "azure:appservice:ServicePlan", "azurerm_linux_function_app": "azure:appservice:LinuxFunctionApp",
        "azurerm_role_assignment": "azure:authorization:Assignment",
        "azurerm_storage_data_lake_gen2_filesystem": "azure:storage:DataLakeGen2Filesystem",
        "azurerm_synapse_workspace": "azure:synapse:Workspace", "azurerm_synapse_sql_pool": "azure:synapse:SqlPool",
        "azurerm_cdn_frontdoor_profile": "azure:cdn:FrontdoorProfile", "azurerm_cdn_frontdoor_endpoint": "azure:cdn:FrontdoorEndpoint",
        "azurerm_cdn_frontdoor_origin_group": "azure:cdn:FrontdoorOriginGroup", "azurerm_cdn_frontdoor_origin": "azure:cdn:FrontdoorOrigin",
        "azurerm_cdn_frontdoor_custom_domain": "azure:cdn:FrontdoorCustomDomain", "azurerm_cdn_frontdoor_route": "azure:cdn:FrontdoorRoute",
        "azurerm_cdn_frontdoor_firewall_policy": "azure:cdn:FrontdoorFirewallPolicy",
        "azurerm_cdn_frontdoor_security_policy": "azure:cdn:FrontdoorSecurityPolicy",
        // gcp
        "google_compute_network": "gcp:compute:Network", "google_compute_subnetwork": "gcp:compute:Subnetwork",
        "google_compute_firewall": "gcp:compute:Firewall", "google_compute_global_address": "gcp:compute:GlobalAddress",
        "google_compute_health_check": "gcp:compute:HealthCheck", "google_compute_backend_service": "gcp:compute:BackendService",
        "google_compute_url_map": "gcp:compute:URLMap", "google_compute_ssl_policy": "gcp:compute:SSLPolicy",
        "google_compute_target_https_proxy": "gcp:compute:TargetHttpsProxy", "google_compute_global_forwarding_rule": "gcp:compute:GlobalForwardingRule",
        "google_compute_disk": "gcp:compute:Disk", "google_compute_instance": "gcp:compute:Instance",
        "google_dns_managed_zone": "gcp:dns:ManagedZone", "google_storage_bucket": "gcp:storage:Bucket",
        "google_sql_database_instance": "gcp:sql:DatabaseInstance", "google_sql_user": "gcp:sql:User", "google_redis_instance": "gcp:redis:Instance",
        "google_pubsub_topic": "gcp:pubsub:Topic", "google_pubsub_subscription": "gcp:pubsub:Subscription",
        "google_bigquery_dataset": "gcp:bigquery:Dataset", "google_certificate_manager_certificate": "gcp:certificatemanager:Certificate",
        "google_secret_manager_secret": "gcp:secretmanager:Secret", "google_service_account": "gcp:serviceaccount:Account",
        "google_monitoring_alert_policy": "gcp:monitoring:AlertPolicy", "google_cloud_run_v2_service": "gcp:cloudrunv2:Service",
        "google_cloudfunctions2_function": "gcp:cloudfunctionsv2:Function", "google_container_cluster": "gcp:container:Cluster",
        "google_kms_key_ring": "gcp:kms:KeyRing", "google_kms_crypto_key": "gcp:kms:CryptoKey",
        "google_compute_global_network_endpoint_group": "gcp:compute:GlobalNetworkEndpointGroup",
        "google_compute_global_network_endpoint": "gcp:compute:GlobalNetworkEndpoint", "google_compute_target_http_proxy": "gcp:compute:TargetHttpProxy",
        "google_compute_managed_ssl_certificate": "gcp:compute:ManagedSslCertificate", "google_firestore_database": "gcp:firestore:Database",
    ]

    /// Data sources the mappings read, as `fn::invoke` functions.
    static let dataSources: [String: String] = [
        "aws_caller_identity": "aws:getCallerIdentity", "azurerm_client_config": "azure:core:getClientConfig",
        "google_client_config": "gcp:organizations:getClientConfig",
    ]

    static let providers: [String: String] = ["aws": "aws", "azurerm": "azure", "google": "gcp"]

    /// Nested blocks that are lists in Pulumi, with the plural name Pulumi gives them.
    /// Every other nested block has at most one item and becomes an object.
    static let listBlocks: [String: String] = [
        "ingress": "ingress", "egress": "egress", "parameter": "parameters", "attribute": "attributes", "setting": "settings",
        "origin": "origins", "security_rule": "securityRules", "frontend_ip_configuration": "frontendIpConfigurations",
        "enabled_log": "enabledLogs", "geo_location": "geoLocations", "lifetime_action": "lifetimeActions", "criteria": "criterias",
        "admin_ssh_key": "adminSshKeys", "container": "containers", "env": "envs", "traffic_weight": "trafficWeights",
        "allow": "allows", "deny": "denies", "default_key_specs": "defaultKeySpecs", "lifecycle_rule": "lifecycleRules",
        "database_flags": "databaseFlags", "conditions": "conditions", "network_interface": "networkInterfaces",
        "access_config": "accessConfigs", "containers": "containers", "backend": "backends", "managed_rule": "managedRules",
        "domain": "domains",
    ]

    /// Blocks whose list-ness depends on the resource: (resource type, block) → plural name, or nil for an object.
    static let listBlocksByResource: [String: String?] = [
        "aws_lb_listener.default_action": "defaultActions", "aws_wafv2_web_acl.default_action": nil,
        "aws_wafv2_web_acl.rule": "rules", "aws_s3_bucket_lifecycle_configuration.rule": "rules",
        "aws_s3_bucket_server_side_encryption_configuration.rule": "rules", "aws_s3_bucket_ownership_controls.rule": nil,
        "azurerm_network_interface.ip_configuration": "ipConfigurations",
    ]

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_")
        guard let first = parts.first else { return name }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
