public final class _BridgeConnection: Sendable {}
