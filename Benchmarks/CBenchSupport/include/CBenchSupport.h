#ifndef CBENCH_SUPPORT_H
#define CBENCH_SUPPORT_H

/// How many times this process has called malloc, calloc, realloc, posix_memalign,
/// aligned_alloc or memalign since it started. Counted on glibc only (the benchmark binary
/// replaces those functions and forwards to glibc's); elsewhere it stays 0.
unsigned long malloc_counter_allocations(void);

/// Whether allocations are being counted in this process.
int malloc_counter_is_counting(void);

#include <sys/types.h>

/// Restricts the thread `tid` of this process to the CPUs whose bits are set in `mask`
/// (Linux); returns 0, or an errno value. Returns ENOSYS where affinity cannot be set.
int bench_pin_thread(pid_t tid, unsigned long mask);

/// Runs this program again from its start (`/proc/self/exe` with `argv`, and the environment
/// as it is now), on the CPUs in `mask` from its first instruction (Linux); returns an errno
/// value only if it could not, with the calling thread on the CPUs it had.
int bench_exec_pinned(unsigned long mask, char *const argv[]);

/// The CPUs this process may run on, as a bit mask (Linux); 0 where it cannot be read.
unsigned long bench_allowed_cpus(void);

#include <stddef.h>

/// The floor's client side: writes a message of `byte_count` bytes (a 4-byte length, then the
/// bytes already in `message`) and reads its echo back into `message`; returns 0, or an errno
/// value (EPIPE when the peer closed).
int bench_raw_exchange(int socket, unsigned char *message, size_t byte_count);

/// The floor's peer: echoes each complete message in one write until the socket closes;
/// `buffer` holds `capacity` bytes, room for two of the largest messages.
void bench_raw_serve(int socket, unsigned char *buffer, size_t capacity);

#endif
