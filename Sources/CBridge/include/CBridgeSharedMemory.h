#ifndef CBRIDGE_SHARED_MEMORY_H
#define CBRIDGE_SHARED_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/// Makes an anonymous shared memory file of `size` bytes (Linux: `memfd_create`,
/// close-on-exec, sealed against shrinking). Returns its descriptor, or -1 with errno set
/// (ENOSYS where there is none).
int cbridge_shared_memory_create(size_t size);

/// Maps `size` bytes of the shared memory file `descriptor`, readable and writable, shared.
/// Returns the address, or NULL with errno set.
void *cbridge_shared_memory_map(int descriptor, size_t size);

/// Unmaps what `cbridge_shared_memory_map` mapped.
void cbridge_shared_memory_unmap(void *address, size_t size);

/// The size of the file `descriptor` names, or -1 with errno set.
long long cbridge_file_size(int descriptor);

// Atomics on mapped memory, which Swift's `Atomic` cannot place there.
uint64_t cbridge_load_acquire_u64(const uint64_t *address);
void cbridge_store_release_u64(uint64_t *address, uint64_t value);
uint32_t cbridge_load_u32(const uint32_t *address);
void cbridge_store_u32(uint32_t *address, uint32_t value);
uint32_t cbridge_exchange_u32(uint32_t *address, uint32_t value);
uint32_t cbridge_fetch_add_u32(uint32_t *address, uint32_t value);
/// A full fence: the store before it is seen before the load after it (a parked flag and
/// the ring's position, on both sides).
void cbridge_fence(void);
/// The processor's hint that this thread spins (x86 `pause`, ARM `yield`).
void cbridge_cpu_relax(void);
/// Gives the CPU to another runnable thread, if any (`sched_yield`).
void cbridge_yield(void);
/// The CPU the calling thread runs on now (`sched_getcpu`, a vDSO read), or UINT32_MAX where
/// the system does not say.
uint32_t cbridge_current_cpu(void);
/// How many CPUs the calling thread may run on (Linux: its affinity mask), or 0 where the
/// system does not say.
uint32_t cbridge_allowed_cpu_count(void);

/// Waits while `*address == expected`, at most `timeout_nanoseconds`, on a word another
/// process may change (Linux: a shared futex). Returns 0 when woken or the word differs, -1
/// with errno set (ETIMEDOUT, EINTR, EAGAIN).
int cbridge_futex_wait(uint32_t *address, uint32_t expected, long long timeout_nanoseconds);
/// Wakes every waiter on `address`.
void cbridge_futex_wake(uint32_t *address);

/// A monotonic clock, in nanoseconds.
uint64_t cbridge_monotonic_nanoseconds(void);

#endif
