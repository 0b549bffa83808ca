import ArgumentParser
import DharmaCore
import DharmaPolicy
import DharmaService

/// Which variant of a stack, and where its state lives.
struct StackOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: "Environment overlay to select (from the blueprint's `environments`).")
    var environment: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable: --var NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(help: "State database (default: .dharma/dharma.db next to the blueprint, or $DHARMA_STATE).")
    var state: String?

    @Option(help: "Keep the state in PostgreSQL: postgres://USER@HOST:PORT/DATABASE (or $DHARMA_DATABASE; the password from $PGPASSWORD keeps it out of `ps`).")
    var database: String?

    @Option(help: "Post audit entries here (or $DHARMA_AUDIT_WEBHOOK), signed with $DHARMA_AUDIT_WEBHOOK_SECRET.")
    var auditWebhook: String?

    func input(_ file: String) throws(ServiceError) -> BlueprintInput {
        BlueprintInput(path: file, environment: environment, variables: try BlueprintInput.variables(variables), state: state, database: database)
    }
}

/// A blueprint file and the stack options: what most commands take.
struct BlueprintOptions: ParsableArguments {
    @Argument(help: "The blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @OptionGroup var stack: StackOptions

    func input() throws(ServiceError) -> BlueprintInput { try stack.input(file) }
}

/// How state commands find their stack: from a blueprint (`-f`), by name (`--stack`), or the
/// only stack in the state database.
struct StackSelection: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "Blueprint whose stack to use.")
    var file: String?

    @Option(help: "Stack as NAME or NAME/ENVIRONMENT.")
    var stack: String?

    @Option(name: .customLong("env"), help: "Environment, with -f.")
    var environment: String?

    @Option(help: "State database (default: .dharma/dharma.db next to the blueprint or here, or $DHARMA_STATE).")
    var state: String?

    @Option(help: "Keep the state in PostgreSQL: postgres://USER@HOST:PORT/DATABASE (or $DHARMA_DATABASE; the password from $PGPASSWORD keeps it out of `ps`).")
    var database: String?

    var selector: StackSelector { StackSelector(file: file, stack: stack, environment: environment, state: state, database: database) }
}

/// Where a state database is, for commands that need no stack: a blueprint's (`-f`) or `--state`.
struct StateDatabaseOption: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "Blueprint whose state database to use.")
    var file: String?

    @Option(help: "State database (default: .dharma/dharma.db next to the blueprint or here, or $DHARMA_STATE).")
    var state: String?

    @Option(help: "Keep the state in PostgreSQL: postgres://USER@HOST:PORT/DATABASE (or $DHARMA_DATABASE; the password from $PGPASSWORD keeps it out of `ps`).")
    var database: String?

    var selector: StackSelector { StackSelector(file: file, state: state, database: database) }
}

/// Rules, waivers and the failure threshold, shared by `validate`, `plan`, `apply`, `up`, `scan`
/// and `compliance`.
struct PolicyOptions: ParsableArguments {
    @Option(help: "Exit 3 when a finding at or above this severity fails: info, low, medium, high, critical (default: the blueprint's policy.failOn).")
    var failOn: String?

    @Option(help: "A directory of team rules (*.yaml), in addition to the built-in pack and a `policies/` folder next to what is checked.")
    var policies: [String] = []

    @Option(help: "A YAML file of waivers: {waivers: [{rule, resource, justification, expires, approver}]}.")
    var waivers: String?

    func settings() throws(ServiceError) -> PolicySettings {
        var threshold: FindingSeverity?
        if let failOn {
            guard let severity = FindingSeverity(rawValue: failOn.lowercased()) else {
                throw .invalidInput("--fail-on \(failOn): choose one of " + FindingSeverity.allCases.map(\.rawValue).joined(separator: ", "))
            }
            threshold = severity
        }
        return PolicySettings(failOn: threshold, ruleDirectories: policies, waiverFile: waivers)
    }
}
