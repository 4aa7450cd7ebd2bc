/// `stack check`: database integrity and every blob's hash (SPEC §7). Faults fail the command;
/// blobs no fileId refers to are warnings only.
struct CheckCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "check", abstract: "Verify database integrity and every blob's hash.",
            discussion: """
                Runs SQLite's integrity and foreign-key checks and recomputes the SHA-256 of every blob an
                attachment refers to. Exits 1 on any fault (integrity error, missing blob, hash or size
                mismatch), printed on stderr as 'fault: …'. Blobs no fileId refers to are printed as
                'warning: …' and do not fail the check.
                """,
            options: [DataDirectory.option])
    }

    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(CLIError) {
        dataDirectory = DataDirectory.resolve(arguments)
    }

    func run() async throws {
        let report = try await Engine.check(dataDirectory: dataDirectory)
        for warning in report.warnings { Console.error("warning: \(warning)") }
        for fault in report.faults { Console.error("fault: \(fault)") }
        let summary = "\(report.attachmentsChecked) attachments, \(report.blobsChecked) blobs checked; "
            + "\(report.faults.count) faults, \(report.warnings.count) warnings"
        guard report.isSound else { throw CLIError.failure("check failed: \(summary)") }
        Console.output("ok: \(summary)")
    }
}
