#ifndef CBRIDGE_DESCRIPTOR_PASSING_H
#define CBRIDGE_DESCRIPTOR_PASSING_H

#include <sys/types.h>

/// The most descriptors one message carries (Linux's SCM_MAX_FD): a sender splits more over
/// several messages.
#define CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE 253

/// Sends one record of `count` bytes on a Unix stream socket with `descriptor_count`
/// descriptors attached (SCM_RIGHTS; none when 0), never raising SIGPIPE, waiting at most
/// `timeout_milliseconds` for room (negative: as long as it takes). Returns 0, or -1 with errno
/// set (ETIMEDOUT when no room came in time; ETOOMANYREFS when the sending user has too many
/// descriptors in flight; EPIPE when the peer is gone).
int cbridge_send_record(int socket, const void *bytes, size_t count,
                        const int *descriptors, int descriptor_count, int timeout_milliseconds);

/// Receives up to `count` bytes from a Unix stream socket, and the descriptors that came with
/// them, close-on-exec, into `descriptors` (room for CBRIDGE_MAX_DESCRIPTORS_PER_MESSAGE),
/// setting `*descriptor_count`; without `wait`, only what is there now. Descriptors the kernel
/// had to drop (no room) set `*truncated`. Returns the bytes received (0 at the end), or -1
/// with errno set.
ssize_t cbridge_receive_with_descriptors(int socket, void *bytes, size_t count,
                                         int *descriptors, int *descriptor_count, int *truncated, int wait);

#endif
