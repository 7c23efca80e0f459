// Loopback TCP listening, for the test servers that stand in for HTTP model endpoints. nerved
// itself only listens on Unix sockets.
import Glibc

public enum TCPSocket {
    /// Listens on 127.0.0.1 at `port` (0 picks a free one); returns the socket and the port.
    /// - Throws: `PosixError.syscall`.
    public static func listenLoopback(port: UInt16 = 0, backlog: Int32 = 64) throws -> (FileDescriptor, UInt16) {
        let raw = try check("socket") { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let fd = FileDescriptor(adopting: raw)
        var one: Int32 = 1
        _ = setsockopt(raw, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc == -1 { throw PosixError.syscall(name: "bind", errno: errno, subject: "127.0.0.1:\(port)") }
        _ = try check("listen") { Glibc.listen(raw, backlog) }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(raw, $0, &len) }
        }
        return (fd, UInt16(bigEndian: bound.sin_port))
    }
}
