// Placeholder: the codec lands in its own commit.
public struct _WireWriter {}
public struct _WireReader {}
