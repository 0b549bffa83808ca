import Foundation

/// A JSON Schema (draft 2020-12) of the blueprint format with the whole resource catalog, for
/// editors: with it, the YAML language server completes and checks blueprints as you type.
public enum BlueprintSchema {
    public static func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static let dnsLabel = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
    static let expression: Value = .map([
        "type": "string", "pattern": .string(#"^\$\{[^}]+\}$"#),
        "description": "a reference: ${var.NAME}, ${RESOURCE.ATTRIBUTE} or ${self.ATTRIBUTE}",
    ])

    static var document: Value {
        var definitions: [String: Value] = ["resource": resource, "expression": expression]
        for type in ResourceCatalog.all { definitions[type.name] = properties(of: type) }
        return .map([
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://dharma.dev/schemas/blueprint-v3.json",
            "title": "Dharma blueprint (dharma.dev/v3)",
            "type": "object",
            "required": ["apiVersion", "kind", "metadata", "target", "resources"],
            "additionalProperties": .bool(false),
            "properties": .map([
                "apiVersion": .map(["const": .string(Blueprint.apiVersion)]),
                "kind": .map(["const": .string(Blueprint.kind)]),
                "metadata": .map([
                    "type": "object", "required": ["name"], "additionalProperties": .bool(false),
                    "properties": .map([
                        "name": .map(["type": "string", "pattern": .string(dnsLabel), "description": "stack name (DNS label)"]),
                        "environment": .map(["type": "string", "pattern": .string(dnsLabel), "default": "default"]),
                        "owner": .map(["type": "string"]),
                        "description": .map(["type": "string"]),
                        "labels": .map(["type": "object", "additionalProperties": .map(["type": "string"])]),
                        "annotations": .map(["type": "object"]),
                        "budget": .map([
                            "type": "object",
                            "properties": .map([
                                "monthly": .map(["type": "number", "minimum": 0]), "currency": .map(["type": "string"]),
                            ]),
                        ]),
                        "slo": schema(for: ServiceLevelObjective.kind),
                    ]),
                ]),
                "target": .map([
                    "type": "object", "required": ["provider", "region"], "additionalProperties": .bool(false),
                    "properties": .map(["provider": providerEnum, "region": .map(["type": "string"])]),
                ]),
                "variables": .map([
                    "type": "object",
                    "additionalProperties": .map([
                        "type": "object", "additionalProperties": .bool(false),
                        "properties": .map([
                            "type": .map(["enum": .list(VariableDeclaration.Kind.allCases.map { .string($0.rawValue) })]),
                            "default": .map([:]), "description": .map(["type": "string"]), "sensitive": .map(["type": "boolean"]),
                        ]),
                    ]),
                ]),
                "resources": .map([
                    "type": "object", "minProperties": 1,
                    "propertyNames": .map(["pattern": .string(dnsLabel)]),
                    "additionalProperties": .map(["$ref": "#/$defs/resource"]),
                ]),
                "outputs": .map(["type": "object"]),
                "environments": .map([
                    "type": "object",
                    "additionalProperties": .map([
                        "type": "object", "additionalProperties": .bool(false),
                        "properties": .map(["variables": .map(["type": "object"])]),
                    ]),
                ]),
                "approvals": .map([
                    "type": "object", "required": ["required", "from"], "additionalProperties": .bool(false),
                    "properties": .map([
                        "required": .map(["type": "integer", "minimum": 1]),
                        "from": .map(["type": "array", "items": .map(["type": "string"])]),
                    ]),
                ]),
                "waivers": .map(["type": "array"]),
                "policies": .map(["type": "array"]),
                "policy": .map([
                    "type": "object", "additionalProperties": .bool(false),
                    "properties": .map(["failOn": .map(["enum": .list(FindingSeverity.allCases.map { .string($0.rawValue) })])]),
                ]),
            ]),
            "$defs": .map(definitions),
        ])
    }

    static var providerEnum: Value {
        .map(["enum": .list(ProviderName.allCases.map { .string($0.rawValue) })])
    }

    /// `forEach`: a list of keys, a map, or an expression.
    static var repetition: Value {
        .map([
            "oneOf": .list([
                .map(["type": "array", "items": .map(["type": "string"])]), .map(["type": "object"]),
                .map(["type": "string", "pattern": "\\$\\{"]),
            ])
        ])
    }

    static var resource: Value {
        .map([
            "type": "object", "required": ["type"], "additionalProperties": .bool(false),
            "properties": .map([
                "type": .map(["enum": .list(ResourceCatalog.names.map(Value.string))]),
                "provider": providerEnum,
                "region": .map(["type": "string"]),
                "description": .map(["type": "string"]),
                "properties": .map(["type": "object"]),
                "dependsOn": .map(["type": "array", "items": .map(["type": "string", "pattern": .string(dnsLabel)])]),
                "tags": .map(["type": "object", "additionalProperties": .map(["type": "string"])]),
                "count": .map(["oneOf": .list([.map(["type": "integer", "minimum": 0, "maximum": 1000]), .map(["type": "string", "pattern": "\\$\\{"])])]),
                "forEach": repetition,
                "for_each": repetition,
                "lifecycle": .map([
                    "type": "object", "additionalProperties": .bool(false),
                    "properties": .map([
                        "preventDestroy": .map(["type": "boolean"]),
                        "ignoreChanges": .map(["type": "array", "items": .map(["type": "string"])]),
                    ]),
                ]),
            ]),
            "allOf": .list(
                ResourceCatalog.all.map { type in
                    .map([
                        "if": .map(["properties": .map(["type": .map(["const": .string(type.name)])]), "required": ["type"]]),
                        "then": .map(["properties": .map(["properties": .map(["$ref": .string("#/$defs/\(type.name)")])])]),
                    ])
                }),
        ])
    }

    static func properties(of type: ResourceType) -> Value {
        var object = object(type.properties)
        if case .map(var entries) = object {
            entries["description"] = .string("\(type.summary). Providers: \(type.providers.sorted().map(\.rawValue).joined(separator: ", "))")
            object = .map(entries)
        }
        return object
    }

    static func object(_ fields: [PropertySchema]) -> Value {
        var properties: [String: Value] = [:]
        for field in fields {
            guard case .map(var schema) = schema(for: field.kind) else { continue }
            schema["description"] = .string(field.description)
            if let defaultValue = field.defaultValue { schema["default"] = defaultValue }
            properties[field.name] = .map(schema)
        }
        return .map([
            "type": "object", "additionalProperties": .bool(false), "properties": .map(properties),
            "required": .list(fields.filter(\.required).map { .string($0.name) }),
        ])
    }

    static func schema(for kind: PropertyKind) -> Value {
        func orExpression(_ schema: Value) -> Value { .map(["anyOf": [schema, .map(["$ref": "#/$defs/expression"])]]) }
        switch kind {
        case .string: return .map(["type": "string"])
        case .integer(let min, let max):
            var schema: [String: Value] = ["type": "integer"]
            if let min { schema["minimum"] = .int(min) }
            if let max { schema["maximum"] = .int(max) }
            return orExpression(.map(schema))
        case .number(let min, let max):
            var schema: [String: Value] = ["type": "number"]
            if let min { schema["minimum"] = .double(min) }
            if let max { schema["maximum"] = .double(max) }
            return orExpression(.map(schema))
        case .boolean: return orExpression(.map(["type": "boolean"]))
        case .oneOf(let options): return orExpression(.map(["enum": .list(options.map(Value.string))]))
        case .size:
            return .map([
                "anyOf": [
                    .map(["type": "integer", "minimum": 0]),
                    .map(["type": "string", "pattern": .string(#"^[0-9.]+(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T)?$|^\$\{[^}]+\}$"#)]),
                ]
            ])
        case .duration:
            return .map([
                "anyOf": [
                    .map(["type": "number", "minimum": 0]),
                    .map(["type": "string", "pattern": .string(#"^([0-9.]+(ms|s|m|h|d|w))+$|^\$\{[^}]+\}$"#)]),
                ]
            ])
        case .percent: return .map(["anyOf": [.map(["type": "number"]), .map(["type": "string", "pattern": "^[0-9.]+%$"])]])
        case .objective:
            return .map([
                "anyOf": [
                    .map(["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100]),
                    .map(["type": "string", "pattern": "^[0-9]{1,2}(\\.[0-9]+)?%$"]),
                ]
            ])
        case .port: return orExpression(.map(["type": "integer", "minimum": 1, "maximum": 65_535]))
        case .cidr: return .map(["type": "string", "pattern": .string(#"^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$|^\$\{[^}]+\}$"#)])
        case .list(let element): return orExpression(.map(["type": "array", "items": schema(for: element)]))
        case .map(let element): return .map(["type": "object", "additionalProperties": schema(for: element)])
        case .object(let fields): return object(fields)
        case .any: return .map([:])
        }
    }
}
