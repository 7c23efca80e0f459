// `nerve check` (nerved.toml and the pipelines validated without a daemon, opening no index and
// creating no file) and `nerve debug toml` (a TOML file as toml-test tagged JSON).
import Client
import Config
import Daemon
import Posix

extension Tools {
    /// Exit 0 when everything links, 78 with compiler-style diagnostics otherwise.
    static func check(_ inv: Invocation) -> Int32 {
        var config = DaemonConfig()
        if let path = inv.options["config"] {
            do { config = try DaemonConfig.load(path: path) } catch {
                Console.error("\(error)\n")
                return 78
            }
        }
        if let p = inv.options["pipelines"] { config.pipelines = p }
        let (ok, report) = Daemon.check(config: config)
        if ok { Console.output(report + "\n") } else { Console.error(report + "\n") }
        return ok ? 0 : 78
    }

    /// `nerve debug toml FILE`: the toml-test tagged JSON of a TOML file.
    static func debugToml(_ inv: Invocation) throws -> Int32 {
        let path = inv.positionals[0]
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 64 << 20) } catch {
            throw ClientError.file(path: path, reason: "\(error)")
        }
        do {
            let table = try TOML.parse(bytes: bytes)
            Console.output(taggedJSON(table) + "\n")
            return 0
        } catch {
            Console.error("\(path):\(error.location.map { "\($0):" } ?? "") error: \(error.message)\n")
            return 1
        }
    }
}
