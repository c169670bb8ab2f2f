/// What a host may write.
public enum BridgeFilesystemAccess: Sendable, Hashable, Codable {
    /// Whatever the host's user may write.
    case inherit
    /// A mount namespace of its own in which every mount is read-only, except the paths in
    /// `writable` (and the mounts under them): writing anywhere else fails with `EROFS`, and
    /// reading works as before. Each path must exist and be absolute. Linux only; needs a root
    /// parent, or unprivileged user namespaces.
    ///
    /// Devices such as `/dev/null` can still be written: a read-only mount does not stop that.
    case readOnly(writable: [String])
}
