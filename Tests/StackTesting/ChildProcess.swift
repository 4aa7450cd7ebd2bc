#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, for tests that run the `stack` binary or re-execute
/// the test binary.
///
/// Foundation's `Process.run()` on Linux (swift-corelibs-foundation up to Swift 6.3.1) can crash
/// intermittently: `findMaximumOpenFromProcSelfFD()` copies a whole 256-byte `d_name` out of
/// `readdir`'s buffer and reads past its end (fixed upstream in swift-corelibs-foundation #5472).
/// A suite that spawns many children hits it, so the tests spawn children themselves.
public struct ChildProcess: Sendable {
    /// How a child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The child's process id.
    public let pid: pid_t

    /// Starts `path` with `arguments` (not including the program name) and exactly `environment`.
    /// Standard output and error go to the given files (created or truncated), or to `/dev/null`.
    public static func spawn(
        _ path: String, arguments: [String], environment: [String: String],
        standardOutputPath: String? = nil, standardErrorPath: String? = nil
    ) throws -> ChildProcess {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutputPath ?? "/dev/null", flags, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardErrorPath ?? "/dev/null", flags, 0o600)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw Failure(description: "posix_spawn \(path): \(String(cString: strerror(result)))") }
        return ChildProcess(pid: pid)
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Blocks until the child ends (call it off Swift's cooperative pool).
    public func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
        let low = status & 0x7f
        if low == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(low)
    }

    /// Runs a child to completion and returns how it ended with everything it wrote.
    public static func run(
        _ path: String, arguments: [String], environment: [String: String]
    ) throws -> (termination: Termination, standardOutput: [UInt8], standardError: [UInt8]) {
        var template = Array("/tmp/stack-child-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed") }
        let base = String(cString: directory)
        defer {
            unlink(base + "/out")
            unlink(base + "/err")
            rmdir(base)
        }
        let child = try spawn(
            path, arguments: arguments, environment: environment,
            standardOutputPath: base + "/out", standardErrorPath: base + "/err")
        let termination = child.wait()
        return (termination, readFile(base + "/out"), readFile(base + "/err"))
    }

    /// The whole content of a file, or nothing when it cannot be read.
    public static func readFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += buffer[0..<n]
            } else if n == 0 || errno != EINTR {
                return bytes
            }
        }
    }
}
