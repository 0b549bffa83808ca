import DharmaStore

/// What a follower of a run sees: each log line as it is written, and each change of state.
public enum RunUpdate: Sendable {
    case line(RunLogLine)
    case state(Run)
}
