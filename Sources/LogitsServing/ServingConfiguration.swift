/// Limits and access control of the inference routes.
public struct ServingConfiguration: Sendable {
    /// Largest request body accepted, in bytes (default 16 MiB); larger ones get 413.
    public var maxBodyBytes: Int
    /// When set, `infer` and the metadata endpoints need `Authorization: Bearer <token>`;
    /// health, readiness and `/metrics` stay open.
    public var bearerToken: String?

    public init(maxBodyBytes: Int = 16 << 20, bearerToken: String? = nil) {
        self.maxBodyBytes = maxBodyBytes
        self.bearerToken = bearerToken
    }
}
