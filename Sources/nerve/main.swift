// nerve: the command-line client of nerved. Parses flags and hands the command to Client (socket
// commands) or Tools (what runs in this process: models, checks, fitting).
import Client
import Posix
import Tools

switch Arguments.parse(Array(CommandLine.arguments.dropFirst())) {
case let .help(text):
    Console.output(text)
    ProcessControl.exit(0)
case let .usage(message):
    Console.error("nerve: \(message)\nRun 'nerve --help' for usage.\n")
    ProcessControl.exit(2)
case let .run(invocation):
    ProcessControl.exit(Tools.handles(invocation) ? Tools.run(invocation) : Commands.run(invocation))
}
