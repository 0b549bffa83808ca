import ArgumentParser
import DharmaBench
import DharmaCore
import DharmaService

/// Exit codes from DESIGN.md.
enum Exit {
    static let failure: Int32 = 1
    static let invalidInput: Int32 = 2
    static let policyViolation: Int32 = 3
    static let changesPresent: Int32 = 4

    static func code(for error: ServiceError) -> Int32 {
        switch error.category {
        case .invalidInput, .notFound: invalidInput
        case .policyViolation: policyViolation
        case .forbidden, .conflict, .failure: failure
        }
    }
}

extension ServiceContext {
    /// The CLI's: the person at the terminal, warnings on standard error.
    static var cli: ServiceContext {
        ServiceContext(principal: .localUser) { Terminal.error($0) }
    }
}

/// Runs a command body, turning failures into the documented exit codes and readable errors.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ServiceError {
        let (diagnostics, source) = error.diagnostics
        if !diagnostics.isEmpty {
            let renderer = DiagnosticRenderer(sources: source.map { [$0.path: $0] } ?? [:], colour: Terminal.errorColour)
            for diagnostic in diagnostics { Terminal.error(renderer.render(diagnostic)) }
        }
        Terminal.error("error: \(error.description)")
        throw ExitCode(Exit.code(for: error))
    } catch let error as BenchmarkError {
        // A dataset or setting the user pointed at is wrong.
        Terminal.error("error: \(error.description)")
        throw ExitCode(Exit.invalidInput)
    } catch let exit as ExitCode {
        throw exit
    } catch let usage as ValidationError {
        throw usage
    } catch {
        // Anything else (a file that vanished, a dataset that does not load): say what, exit 1, no trace.
        Terminal.error("error: \(error)")
        throw ExitCode(Exit.failure)
    }
}
