#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Entry point: parse, dispatch, exit with the command's code (SPEC §7).
exit(await CLI.run(Array(CommandLine.arguments.dropFirst())))
