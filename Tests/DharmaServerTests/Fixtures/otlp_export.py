"""Exports two metrics to Dharma with the OpenTelemetry Python SDK's OTLP/HTTP exporter
(protobuf), configured only through the standard OTEL_EXPORTER_OTLP_* environment variables.

usage: OTEL_EXPORTER_OTLP_ENDPOINT=… OTEL_EXPORTER_OTLP_HEADERS=… OTEL_EXPORTER_OTLP_CERTIFICATE=… otlp_export.py
"""
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.metrics import Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

exporter = OTLPMetricExporter()
reader = PeriodicExportingMetricReader(exporter, export_interval_millis=60_000)
provider = MeterProvider(resource=Resource.create({"service.name": "checkout"}), metric_readers=[reader])
meter = provider.get_meter("dharma-test")
orders = meter.create_counter("orders_total")
orders.add(7, {"region": "eu"})
meter.create_observable_gauge("queue_depth", callbacks=[lambda options: [Observation(42.5, {"queue": "payments"})]])
if not provider.force_flush(timeout_millis=20_000):
    raise SystemExit("the export did not finish")
provider.shutdown()
print("exported")
