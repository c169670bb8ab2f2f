#ifndef CBRIDGE_H
#define CBRIDGE_H

#include <sys/types.h>
#include <dirent.h>
#if defined(__linux__)
#include <sys/epoll.h>  // for the event loop, which Glibc's Swift module does not bring
#endif

#include "CBridgeIsolation.h"
#include "CBridgeDescriptorPassing.h"
#include "CBridgeSharedMemory.h"

/// A directory entry's name. (Swift sees `d_name` as a tuple of 256 elements, whose metadata
/// reading the field from Swift makes, at a cost.)
const char *cbridge_directory_entry_name(const struct dirent *entry);

/// The environment variable that turns a started-again binary into a host. Its value is
/// "<descriptor>:<parent pid>"; the side channel's socket is the next descriptor, and the
/// descriptor channel's the one after it.
#define CBRIDGE_HOST_VARIABLE "SWIFT_PROCESS_BRIDGE_HOST"

/// The descriptor number the bridge's socket has in every host.
#define CBRIDGE_HOST_DESCRIPTOR 3

/// The descriptor number the bridge's side channel has in every host: cancels and stream
/// credits from the parent, calls to objects the parent passed, and their replies.
#define CBRIDGE_SIDE_DESCRIPTOR 4

/// The descriptor number the bridge's descriptor channel has in every host: open descriptors
/// that calls, results and stream elements carry (SCM_RIGHTS), in both directions.
#define CBRIDGE_DESCRIPTOR_CHANNEL_DESCRIPTOR 5

/// The descriptor number of the shared memory file in a host whose bridge carries its frames
/// through shared memory (the host variable then ends in ":shared-memory").
#define CBRIDGE_SHARED_MEMORY_DESCRIPTOR 6

/// For `cbridge_spawn`'s `output` and `error`: the child keeps the parent's descriptor.
#define CBRIDGE_OUTPUT_INHERIT (-1)
/// For `cbridge_spawn`'s `output` and `error`: the child writes to /dev/null.
#define CBRIDGE_OUTPUT_DISCARD (-2)

/// Starts `path` with `argv` and `envp`; in the child, the descriptors `bridge`, `side`,
/// `descriptors` and `shared` (unless it is -1) become descriptors 3, 4, 5 and 6, standard
/// input reads /dev/null, standard output and error become `output` and `error` (a
/// descriptor, or CBRIDGE_OUTPUT_INHERIT or CBRIDGE_OUTPUT_DISCARD), and every other
/// descriptor is closed. Returns 0 and sets `*pid`, or an errno value.
int cbridge_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int bridge, int side, int descriptors, int shared, int output, int error);

/// Asks the kernel to send `signal` to this process when its parent thread exits (Linux);
/// returns 0, or -1 with errno set. Does nothing and returns 0 where the call does not exist.
int cbridge_set_parent_death_signal(int signal);

/// The signal the calling thread asked for when its process's parent dies, 0 for none (and on
/// systems without the request).
int cbridge_parent_death_signal(void);

/// Makes a pipe whose ends are both close-on-exec, atomically where the system can (pipe2).
/// Returns 0, or -1 with errno set.
int cbridge_pipe(int fds[2]);

/// Makes C stdio flush standard output at each newline, as on a terminal.
void cbridge_line_buffer_stdout(void);

/// The process environment (`environ`), which Swift cannot name portably.
char **cbridge_environment(void);

/// The poll(2) event for "the peer closed its end" on a socket: POLLRDHUP on Linux, which
/// data arriving does not trigger; POLLHUP elsewhere.
short cbridge_poll_peer_closed(void);

/// A close-on-exec, non-blocking eventfd (Linux); returns the descriptor, or -1 with errno
/// set (ENOSYS where eventfd does not exist).
int cbridge_eventfd(void);

/// A close-on-exec descriptor that polls readable once process `pid`, a child not yet reaped,
/// has ended (pidfd_open, Linux 5.3 and later); returns it, or -1 with errno set (ENOSYS
/// where the system has none).
int cbridge_process_exit_descriptor(pid_t pid);

#endif
