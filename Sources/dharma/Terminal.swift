import DharmaCore
import DharmaService
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where output goes, and whether it may be coloured (only on a terminal, never with NO_COLOR).
enum Terminal {
    static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

    static var colour: Bool {
        isatty(1) == 1 && getenv("NO_COLOR") == nil && String(cString: getenv("TERM") ?? strdup("dumb")) != "dumb"
    }

    static var errorColour: Bool {
        isatty(2) == 1 && getenv("NO_COLOR") == nil
    }

    static func error(_ message: String) {
        let text = message.hasSuffix("\n") ? message : message + "\n"
        fflush(nil)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func readLine(prompt: String) -> String? {
        print(prompt, terminator: "")
        fflush(nil)
        return Swift.readLine()
    }
}

/// The yes/no gate before changing anything: skipped with --auto-approve, refused without a
/// terminal (exit 2), cancelled unless the answer is exactly "yes".
enum Confirmation {
    static func require(_ question: String, autoApprove: Bool, verb: String) throws {
        guard !autoApprove else { return }
        guard Terminal.isInteractive else {
            throw ServiceError.invalidInput(
                "not asking for confirmation without a terminal; pass --auto-approve"
                    + (verb == "apply" ? " or apply a saved plan with --plan" : ""))
        }
        let answer = Terminal.readLine(prompt: "\n\(question) Only 'yes' is accepted: ")
        guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw ServiceError.failed("\(verb) cancelled; nothing was changed")
        }
    }
}

extension String {
    /// Left-aligned in a column `width` wide; longer text is never cut.
    func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
