import Bridge

/// What a host does to itself between the hello and its real type, in this fixed order, each
/// step checked before the next:
///
/// 1. namespaces: a network of its own, a read-only world (made at the host's entry, while it
///    had one thread; checked here);
/// 2. limits (`setrlimit`), while the host may still set any;
/// 3. groups and user (`IdentitySwitch`);
/// 4. no-new-privileges (set at the entry with the namespaces, for the same reason; checked on
///    every thread here, after the user switch, which it does not hinder);
/// 5. the working directory, entered as the new user, in the new world.
///
/// A step that fails ends the start with a `BridgeError` naming the step and the reason.
enum HostPreparation {
    static func run(_ hello: Hello, parent: ProcessID) async throws(BridgeError) {
        let confinement = hello.confinement
        try NamespaceCheck(confinement: confinement).verify()
        try ResourceLimits(limits: confinement.limits).apply()
        if let user = hello.user {
            try await IdentitySwitch(user: user, group: hello.group).apply(parent: parent)
        }
        if confinement.noNewPrivileges { try NoNewPrivilegesCheck.verify() }
        if let directory = hello.workingDirectory {
            try step("working directory") { () throws(SystemError) in try System.changeDirectory(directory) }
        }
    }

    /// Runs a system call of the step called `name`; its failure fails the step, naming the
    /// call and its errno.
    static func step<Value>(_ name: String, _ body: () throws(SystemError) -> Value) throws(BridgeError) -> Value {
        do {
            return try body()
        } catch {
            throw .confinementFailed(step: name, error.namingErrno)
        }
    }
}
