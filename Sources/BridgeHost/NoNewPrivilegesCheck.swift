import Bridge

/// Checks that every thread of the host has no-new-privileges set (`PR_SET_NO_NEW_PRIVS`),
/// as `BridgeOptions.noNewPrivileges`, or a user switch, asks.
///
/// The flag belongs to a thread, and a thread starts with its creator's: the host's entry set
/// it while the process had one thread (`CBridgeIsolation.c`), so every thread has it. This
/// checks the calling thread, and every other that `/proc` lists.
enum NoNewPrivilegesCheck {
    /// - Throws: `BridgeError.startFailed` naming the step "no-new-privileges".
    static func verify() throws(BridgeError) {
        guard try HostPreparation.step("no-new-privileges", System.callingThreadHasNoNewPrivileges) else {
            throw .confinementFailed(step: "no-new-privileges", "PR_GET_NO_NEW_PRIVS reads 0 after the host's entry set it")
        }
        for thread in System.threads() where System.hasNoNewPrivileges(thread: thread) == false {
            throw .confinementFailed(step: "no-new-privileges", "thread \(thread) of the host does not have it set")
        }
    }
}
