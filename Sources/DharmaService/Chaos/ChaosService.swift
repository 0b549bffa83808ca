import DharmaChaos
import DharmaEngine
import DharmaStore

/// Chaos experiments against a running stack, the kill switch, and the game day.
public struct ChaosService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    /// Runs one experiment (an `Experiment` file); `line` receives its progress.
    public func run(
        _ path: String, state: String?, seed: UInt64, shouldStop: @escaping @Sendable () -> Bool,
        line: @escaping @Sendable (String) -> Void
    ) async throws(ServiceError) -> ExperimentReport {
        try context.authorise(.apply, "run chaos experiments")
        let experiment: Experiment
        do throws(ExperimentParser.Failure) {
            experiment = try ExperimentParser.load(path: path)
        } catch {
            let count = error.diagnostics.filter { $0.severity == .error }.count
            throw .invalidInput(
                "\(path) is not a valid experiment (\(count) error\(count == 1 ? "" : "s"))", diagnostics: error.diagnostics,
                source: error.source)
        }
        let engine = try StateLocation.resolve(explicit: state, blueprint: experiment.blueprint, environment: context.environment)
            .engine(context, audited: true, reason: "chaos experiment \(experiment.name)")
        let runner = ExperimentRunner(engine: engine, seed: seed, shouldStop: shouldStop, progress: line)
        do {
            return try await runner.run(experiment)
        } catch let error as ExperimentRunner.RunError {
            throw .invalidInput(error.description)
        } catch {
            throw ServiceError.from(error)
        }
    }

    /// The kill switch of the stack's state directory.
    public func journal(_ selector: StackSelector) -> ChaosJournal {
        ChaosJournal(stateDirectory: selector.location(context).directory)
    }

    /// Stops running experiments, removes their faults, and refuses new ones until resumed.
    public func halt(_ selector: StackSelector) throws(ServiceError) -> (ChaosJournal, [ActiveFault]) {
        try context.authorise(.apply, "halt chaos experiments")
        let journal = journal(selector)
        do { return (journal, try journal.halt()) } catch { throw .failed("\(error)") }
    }

    public func resume(_ selector: StackSelector) throws(ServiceError) {
        try context.authorise(.apply, "resume chaos experiments")
        journal(selector).resume()
    }

    /// Many random faults one after another, with the autopilot healing them in this process.
    public func gameDay(
        _ blueprint: String, state: String?, faults: Int, seed: UInt64, shouldStop: @escaping @Sendable () -> Bool,
        line: @escaping @Sendable (String) -> Void
    ) async throws(ServiceError) -> GameDay.Result {
        try context.authorise(.apply, "run game days")
        guard (1...10_000).contains(faults) else { throw .invalidInput("--faults \(faults): give 1 to 10000") }
        _ = try BlueprintInput(path: blueprint).prepare()
        let engine = try StateLocation.resolve(explicit: state, blueprint: blueprint, environment: context.environment)
            .engine(context, audited: true, reason: "chaos game day")
        guard let incidents = engine.store as? any IncidentStore else { throw .failed("this state store keeps no incidents; the autopilot needs one") }
        var settings = GameDay.Settings(faults: faults, seed: seed)
        settings.deadline = 90
        do {
            return try await GameDay(engine: engine, incidents: incidents, blueprint: blueprint, settings: settings, progress: line).run(shouldStop: shouldStop)
        } catch let error as GameDay.GameDayError {
            throw .invalidInput(error.description)
        } catch {
            throw ServiceError.from(error)
        }
    }
}
