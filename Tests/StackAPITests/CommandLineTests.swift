import Testing

@testable import stack

@Suite struct CommandLineTests {
    private func parse(_ arguments: [String], for command: any Command.Type) throws(CLIError) -> ParsedArguments {
        guard case .run(let parsed) = try ArgumentParser.parse(arguments, for: command.configuration) else {
            throw CLIError.failure("help requested")
        }
        return parsed
    }

    private func usageError(_ arguments: [String], for command: any Command.Type) -> CLIError? {
        do {
            _ = try command.init(parse(arguments, for: command))
            return nil
        } catch {
            return error
        }
    }

    @Test func longOptions_withSpaceOrEquals_flags_andPositionals() throws {
        let parsed = try parse(["--name", "phone", "--create=note,task", "--json"], for: TokenCreateCommand.self)
        #expect(parsed.value("name") == "phone")
        #expect(parsed.value("create") == "note,task")
        #expect(parsed.flag("json"))
        #expect(!parsed.flag("owner"))
        #expect(try parse(["--data", "/tmp/x", "abc"], for: TokenRevokeCommand.self).positionals == ["abc"])
        #expect(try parse(["--", "--odd-id"], for: TokenRevokeCommand.self).positionals == ["--odd-id"])
    }

    @Test func helpIsRecognisedAnywhere() throws {
        #expect(try ArgumentParser.parse(["--help"], for: ServeCommand.configuration) == .help)
        #expect(try ArgumentParser.parse(["--port", "1", "-h"], for: ServeCommand.configuration) == .help)
        let help = Help.text(for: ServeCommand.configuration)
        for option in ["--host", "--port", "--data", "--durability", "--max-json-bytes", "--rate-limit", "--help"] {
            #expect(help.contains(option))
        }
        #expect(help.contains("STACK_HOST"))
    }

    @Test func usageErrors_exit64_withAClearMessage() {
        let cases: [([String], any Command.Type, String)] = [
            (["--bogus"], ServeCommand.self, "unknown option '--bogus'"),
            (["-p", "1"], ServeCommand.self, "unknown option '-p'"),
            (["--port"], ServeCommand.self, "--port needs a value"),
            (["--port", "http"], ServeCommand.self, "--port must be an integer"),
            (["--port=70000"], ServeCommand.self, "--port must be an integer"),
            (["--durability", "fast"], ServeCommand.self, "--durability must be 'full' or 'normal'"),
            (["--max-json-bytes", "lots"], ServeCommand.self, "--max-json-bytes must be a positive byte count"),
            (["--json=yes"], InitCommand.self, "--json is a flag"),
            (["extra"], InitCommand.self, "unexpected argument 'extra'"),
            ([], TokenRevokeCommand.self, "missing argument <id>"),
            (["--owner", "--entity", "e1"], TokenCreateCommand.self, "cannot be used together"),
            ([], TokenCreateCommand.self, "--name is required"),
            (["--name", "x", "--expires", "tomorrow"], TokenCreateCommand.self, "--expires must be an RFC 3339 time"),
            (["--name", "x", "--create", "note,,task"], TokenCreateCommand.self, "--create needs"),
        ]
        for (arguments, command, message) in cases {
            let error = usageError(arguments, for: command)
            #expect(error?.exitCode == 64, "\(arguments)")
            #expect(error?.message.contains(message) == true, "\(arguments): \(error?.message ?? "accepted")")
        }
    }

    @Test func serveOptions_defaults_environment_andOverrides() throws {
        let defaults = try ServeCommand(parse([], for: ServeCommand.self), environment: [:]).options
        #expect(defaults == ServeOptions(dataDirectory: "./data"))
        #expect(defaults.host == "127.0.0.1" && defaults.port == 8787 && defaults.durability == .full)
        #expect(defaults.maxJSONBytes == 1_048_576 && defaults.maxAttachmentBytes == 104_857_600)
        #expect(defaults.rateLimitPerMinute == 600 && defaults.ownerRateLimitPerMinute == nil)

        let environment = ["STACK_HOST": "0.0.0.0", "STACK_PORT": "9000", "STACK_DATA": "/srv/stack"]
        let fromEnvironment = try ServeCommand(parse([], for: ServeCommand.self), environment: environment).options
        #expect(fromEnvironment.host == "0.0.0.0" && fromEnvironment.port == 9000)
        #expect(fromEnvironment.dataDirectory == "/srv/stack")

        let overridden = try ServeCommand(
            parse(
                ["--port", "0", "--data=/d", "--durability", "normal", "--max-attachment-bytes", "1G", "--owner-rate-limit", "100"],
                for: ServeCommand.self),
            environment: environment
        ).options
        #expect(overridden.port == 0 && overridden.host == "0.0.0.0" && overridden.dataDirectory == "/d")
        #expect(overridden.durability == .normal)
        #expect(overridden.maxAttachmentBytes == 1 << 30)
        #expect(overridden.ownerRateLimitPerMinute == 100)
    }

    @Test func tokenCreate_buildsTheRequest() throws {
        let owner = try TokenCreateCommand(parse(["--owner"], for: TokenCreateCommand.self)).request
        #expect(owner == TokenRequest(name: "owner", binding: .owner, createTypes: nil, expiresAt: nil))
        let app = try TokenCreateCommand(
            parse(["--name", "app", "--entity", "e1", "--create", "note, task", "--expires", "2027-01-01T00:00:00Z"],
                for: TokenCreateCommand.self)
        ).request
        #expect(app.binding == .entity("e1"))
        #expect(app.createTypes == ["note", "task"])
        #expect(app.expiresAt == 1_798_761_600_000)
        #expect(try TokenCreateCommand(parse(["--name", "n"], for: TokenCreateCommand.self)).request.binding == .newEntity)
    }

    @Test func byteCounts() {
        #expect(ByteCount.parse("1048576") == 1_048_576)
        #expect(ByteCount.parse("512K") == 524_288)
        #expect(ByteCount.parse("100MiB") == 104_857_600)
        #expect(ByteCount.parse("1g") == 1_073_741_824)
        for bad in ["", "0", "-1", "1.5M", "M", "1T", "99999999999999999999"] {
            #expect(ByteCount.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func dispatch_exitCodes() async {
        #expect(await CLI.run(["--help"]) == 0)
        #expect(await CLI.run(["token", "create", "--help"]) == 0)
        #expect(await CLI.run(["--version"]) == 0)
        #expect(await CLI.run([]) == 64)
        #expect(await CLI.run(["frobnicate"]) == 64)
        #expect(await CLI.run(["token", "mint"]) == 64)
        #expect(await CLI.run(["serve", "--nope"]) == 64)
        #expect(await CLI.run(["check"]) == 1)
        #expect(await CLI.run(["backup", "/tmp/nowhere"]) == 1)
        #expect(CLI.findCommand("token revoke") != nil)
        #expect(CLI.findCommand("token") == nil)
    }

    @Test func dataDirectory_prefersOptionThenEnvironmentThenDefault() throws {
        let none = ParsedArguments(command: "init")
        #expect(DataDirectory.resolve(none, environment: [:]) == "./data")
        #expect(DataDirectory.resolve(none, environment: ["STACK_DATA": "/e"]) == "/e")
        var given = none
        given.values["data"] = "/o"
        #expect(DataDirectory.resolve(given, environment: ["STACK_DATA": "/e"]) == "/o")
    }

    @Test func tokenTable_neverShowsSecrets() {
        let table = TokenTable.render([
            ["id": "t1", "name": "phone", "entityId": "e1", "grants": ["create": ["note"]], "expiresAt": .null,
             "createdAt": "2026-11-22T10:00:00.000Z", "lastUsedAt": .null, "token": "stk_secret"],
        ])
        #expect(table.contains("t1") && table.contains("phone") && table.contains("note"))
        #expect(!table.contains("stk_secret"))
        #expect(TokenTable.render([]) == "No tokens.\n")
    }
}
