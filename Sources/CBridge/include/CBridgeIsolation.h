#ifndef CBRIDGE_ISOLATION_H
#define CBRIDGE_ISOLATION_H

/// The environment variable that asks a host, at its entry, for the isolation that can only be
/// set up while it has one thread. Its value is the decimal sum of the `CBRIDGE_ISOLATE_*` flags
/// asked for, then, for `CBRIDGE_ISOLATE_FILESYSTEM`, `:` and each path left writable, in
/// hexadecimal (a path may hold any byte but NUL).
#define CBRIDGE_ISOLATION_VARIABLE "SWIFT_PROCESS_BRIDGE_ISOLATION"

/// A new network namespace whose only interface is the loopback, brought up.
#define CBRIDGE_ISOLATE_NETWORK 1
/// A new mount namespace in which every mount is read-only but the writable paths.
#define CBRIDGE_ISOLATE_FILESYSTEM 2
/// A new user namespace first, mapping only this process's own user and group, for a parent
/// that is not root (unprivileged user namespaces); its capabilities are dropped once the
/// namespaces are set up.
#define CBRIDGE_ISOLATE_USER_NAMESPACE 4
/// PR_SET_NO_NEW_PRIVS.
#define CBRIDGE_ISOLATE_NO_NEW_PRIVILEGES 8

/// What the host's entry did with `CBRIDGE_ISOLATION_VARIABLE`.
struct cbridge_isolation_outcome {
    /// The flags asked for (0 when the variable was not set); -1 when its value could not be read.
    int requested;
    /// The call that failed, such as "unshare(CLONE_NEWNET)"; empty when every step succeeded.
    char failed_call[160];
    /// The path the failed call concerned; empty if none.
    char subject[4096];
    /// The errno the call failed with (0 for a failure that is not a call's, told in failed_call).
    int error;
};

/// What the host's entry did (before `main`, while the process had one thread).
const struct cbridge_isolation_outcome *cbridge_isolation_outcome(void);

/// The outcome's `failed_call` and `subject`, as C strings. (Swift sees a C array as a tuple of
/// as many elements; making the metadata of a 4096-element tuple, which reading the field
/// from Swift does, took a host a millisecond of its start.)
const char *cbridge_isolation_failed_call(void);
const char *cbridge_isolation_subject(void);

/// Reads and removes `CBRIDGE_ISOLATION_VARIABLE` and sets up what it asks for, in this order:
/// the namespaces (user, network, mounts) with one `unshare`, the user namespace's maps, the
/// loopback, the read-only mounts, the dropped capabilities, no-new-privileges. Stops at the
/// first failure, which `cbridge_isolation_outcome` tells. Called by the host's constructor
/// only, before any thread starts: `unshare` and PR_SET_NO_NEW_PRIVS change the calling thread
/// alone, and threads started later inherit them.
void cbridge_isolate_at_entry(void);

/// The flags (IFF_UP, ...) of the network interface `name`; -1 with errno set if there is none
/// or they cannot be read.
int cbridge_interface_flags(const char *name);

/// The no-new-privileges flag of the calling thread: 1 or 0; -1 with errno set where it cannot
/// be read (ENOSYS where the system has none).
int cbridge_no_new_privileges(void);

#endif
