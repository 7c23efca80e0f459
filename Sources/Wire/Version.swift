// The product's version, one constant for `nerved --version`, `status` and the MCP server's
// serverInfo: the daemon and its clients ship together.
public enum Version {
    public static let string = "0.1.0"
}
