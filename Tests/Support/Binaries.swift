// Runs the built `nerve` and `nerved` executables, which sit beside the test binary in the
// build folder, capturing their output and exit status.
import Foundation
import Posix

public enum Binaries {
    /// The folder holding the test runner (and the products built with it).
    public static let folder: String = {
        let exe = (try? FileSystem.realPath("/proc/self/exe")) ?? CommandLine.arguments[0]
        var parts = exe.split(separator: "/").map(String.init)
        while let last = parts.last, !FileSystem.exists("/" + (parts + ["nerve"]).joined(separator: "/")) && !last.isEmpty {
            parts.removeLast()
            if parts.isEmpty { break }
        }
        return "/" + parts.joined(separator: "/")
    }()

    public struct Result { public let status: Int32; public let stdout: String; public let stderr: String }

    /// Runs a built binary to completion (in `directory` when given).
    public static func run(_ name: String, _ args: [String], timeout: Double = 60, in directory: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: folder + "/" + name)
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    public final class Running: @unchecked Sendable {
        let process: Process
        init(_ p: Process) { process = p }
        public var pid: Int32 { process.processIdentifier }
        public func terminate() { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        public func kill() { if process.isRunning { Signals.kill(process.processIdentifier); process.waitUntilExit() } }
        public func wait() -> Int32 { process.waitUntilExit(); return process.terminationStatus }
    }

    /// Starts one of our binaries by name, or any program by absolute path.
    public static func start(_ name: String, _ args: [String]) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: name.hasPrefix("/") ? name : folder + "/" + name)
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return Running(p)
    }

    /// Waits until a daemon's socket accepts connections.
    public static func waitFor(socket: String, seconds: Double = 20) throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let fd = try? UnixSocket.connect(path: socket) { fd.close(); return }
            usleep(20_000)
        }
        throw PosixError.syscall(name: "connect", errno: Errno.ECONNREFUSED, subject: socket)
    }
}
