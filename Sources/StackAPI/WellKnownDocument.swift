import StackJSON

/// Builds `/.well-known/stack` (SPEC §3): who this stack is and what it really supports.
public struct WellKnownDocument: Sendable {
    /// An optional feature and the path that serves it.
    public struct Capability: Sendable, Equatable {
        public var name: String
        /// The endpoint to list under `endpoints`, if the capability has its own.
        public var endpoint: String?

        public init(_ name: String, endpoint: String? = nil) {
            self.name = name
            self.endpoint = endpoint
        }
    }

    /// What this build of the server serves.
    public static let capabilitiesServed: [Capability] = [
        Capability("records", endpoint: "/records"),
        Capability("types", endpoint: "/types"),
        Capability("attachments", endpoint: "/attachments"),
        Capability("associations"),
        Capability("versions"),
        Capability("permissions"),
        Capability("query"),
        Capability("changes", endpoint: "/changes"),
        Capability("entity", endpoint: "/entity"),
        Capability("tokens", endpoint: "/tokens"),
        Capability("idempotency"),
        Capability("conditional-requests"),
        Capability("openapi", endpoint: "/openapi.json"),
        Capability("health", endpoint: "/health"),
    ]

    public var name: String
    public var version: String
    public var ownerEntityId: String
    public var capabilities: [Capability]
    public var maxJsonBytes: Int
    public var maxAttachmentBytes: Int
    public var maxPageSize: Int
    public var rateLimitPerMinute: Int

    public init(
        name: String = "stack", version: String, ownerEntityId: String,
        capabilities: [Capability] = WellKnownDocument.capabilitiesServed, maxJsonBytes: Int, maxAttachmentBytes: Int,
        maxPageSize: Int = ParameterValidation.maxLimit, rateLimitPerMinute: Int
    ) {
        self.name = name
        self.version = version
        self.ownerEntityId = ownerEntityId
        self.capabilities = capabilities
        self.maxJsonBytes = maxJsonBytes
        self.maxAttachmentBytes = maxAttachmentBytes
        self.maxPageSize = maxPageSize
        self.rateLimitPerMinute = rateLimitPerMinute
    }

    /// The document.
    public var json: JSON {
        var endpoints = JSONObject()
        for capability in capabilities {
            if let endpoint = capability.endpoint { endpoints[capability.name] = .string(endpoint) }
        }
        return [
            "stack": ["name": .string(name), "version": .string(version), "apiVersion": 1],
            "owner": .string(ownerEntityId),
            "endpoints": .object(endpoints),
            "capabilities": .array(capabilities.map { .string($0.name) }),
            "limits": [
                "maxJsonBytes": .int(maxJsonBytes), "maxAttachmentBytes": .int(maxAttachmentBytes),
                "maxPageSize": .int(maxPageSize), "rateLimitPerMinute": .int(rateLimitPerMinute),
            ],
            "auth": ["schemes": ["bearer"]],
        ]
    }
}
