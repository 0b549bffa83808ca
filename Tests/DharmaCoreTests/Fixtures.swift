import DharmaCore
import DharmaTestKit
import Foundation

/// Loads blueprint text as if it were a file named `test.yaml`.
func load(_ text: String, file: String = "test.yaml") -> BlueprintLoader.Result {
    BlueprintLoader().load(text: text, path: file)
}

/// A valid local blueprint to vary in tests.
let header = """
    apiVersion: dharma.dev/v3
    kind: Blueprint
    metadata: {name: shop}
    target: {provider: local, region: local-1}

    """

func codes(_ result: BlueprintLoader.Result) -> [String] {
    result.diagnostics.map(\.code)
}

func diagnostic(_ result: BlueprintLoader.Result, _ code: DiagnosticCode) -> Diagnostic? {
    result.diagnostics.first { $0.code == code.rawValue }
}

func temporaryDirectory() -> String {
    Scratch.directory("dharma-test")
}

/// The repository root, found from this file's path.
