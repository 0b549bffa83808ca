# Written for the live comparison with Checkov: firewall rules in shapes the fixtures lack.

locals {
  admin_cidrs = ["0.0.0.0/0"]
  rules = {
    ssh   = { port = 22, cidrs = ["10.0.0.0/8"] }
    https = { port = 443, cidrs = ["0.0.0.0/0"] }
  }
}

resource "aws_security_group" "range_covers_ssh" {
  ingress {
    from_port   = 20
    to_port     = 30
    protocol    = "tcp"
    cidr_blocks = local.admin_cidrs
  }
}

resource "aws_security_group" "dynamic_rules" {
  dynamic "ingress" {
    for_each = local.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
}

resource "aws_security_group" "rdp_open" {
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "all_traffic" {
  type              = "ingress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-123"
}

resource "azurerm_network_security_rule" "ssh_range" {
  name                        = "ssh"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "20-25"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
}

resource "azurerm_network_security_rule" "udp_only" {
  name                        = "dns"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Udp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
}

resource "google_compute_firewall" "range" {
  name    = "range"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["1-1024"]
  }
  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "internal" {
  name    = "internal"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
  source_ranges = ["10.0.0.0/8"]
}
