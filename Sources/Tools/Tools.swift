// `nerve`'s in-process tools: the commands that compute here instead of asking nerved — running
// GGUF models (generate, perplexity, moefy), embedding with a local model folder, checking the
// configuration and pipelines, printing TOML as toml-test JSON, and fitting calibrations.
import Client
import Posix

public enum Tools {
    /// Whether `inv` is one of these commands (`embed` only with `--model`).
    public static func handles(_ inv: Invocation) -> Bool {
        switch inv.command.first ?? "" {
        case "generate", "perplexity", "moefy", "check", "debug", "calibrate": return true
        case "embed": return inv.options["model"] != nil
        default: return false
        }
    }

    /// Runs the command; returns the process exit status.
    public static func run(_ inv: Invocation) -> Int32 {
        do {
            switch inv.command.first ?? "" {
            case "generate": return try generate(inv)
            case "perplexity": return try perplexity(inv)
            case "moefy": return try moefy(inv)
            case "check": return check(inv)
            case "debug": return try debugToml(inv)
            case "calibrate": return try calibrate(inv)
            case "embed": return try embedLocally(inv)
            default: throw ClientError.usage(message: "unknown command '\(inv.command.joined(separator: " "))'", command: nil)
            }
        } catch {
            return Commands.exitStatus(error, inv)
        }
    }
}
